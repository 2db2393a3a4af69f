import { LunasError } from "@lunas/core";

/** Fonnte refused a request (HTTP 200 with `status: false`, or an HTTP error). */
export class FonnteApiError extends LunasError {
  /** Fonnte's `reason`, as it wrote it (`token invalid`, `insufficient quota`, …). */
  readonly reason: string;
  readonly httpStatus: number;
  /** Worth trying again later (disconnected device, rate limit, server error). */
  readonly transient: boolean;

  constructor(code: string, reason: string, httpStatus: number, transient: boolean) {
    super(code, `Fonnte refused the request: ${reason}`);
    this.reason = reason;
    this.httpStatus = httpStatus;
    this.transient = transient;
  }
}

/** Fonnte answered 2xx with a body this client cannot read. */
export class FonnteResponseError extends LunasError {
  constructor(status: number) {
    super("FONNTE_BAD_RESPONSE", `Fonnte answered HTTP ${status} with a body that is not its JSON`);
  }
}

// Fonnte's documented reasons, matched on the words so small rewordings still
// map. Transient ones may succeed later without anyone changing anything.
const REASONS: readonly { pattern: RegExp; code: string; transient: boolean }[] = [
  { pattern: /token.*invalid|invalid.*token|unauthori/i, code: "FONNTE_TOKEN_INVALID", transient: false },
  { pattern: /quota/i, code: "FONNTE_INSUFFICIENT_QUOTA", transient: false },
  { pattern: /target.*invalid|invalid.*target|not.*registered/i, code: "FONNTE_TARGET_INVALID", transient: false },
  { pattern: /url.*invalid|unreachable|file format/i, code: "FONNTE_URL_INVALID", transient: false },
  { pattern: /input.*invalid|invalid.*input|required|too long/i, code: "FONNTE_INPUT_INVALID", transient: false },
  { pattern: /disconnect|not connected|device.*offline/i, code: "FONNTE_DEVICE_DISCONNECTED", transient: true },
  { pattern: /rate limit|too many|busy|try again|timeout/i, code: "FONNTE_RATE_LIMITED", transient: true },
];

export function fonnteErrorFor(reason: string, httpStatus: number): FonnteApiError {
  const known = REASONS.find((entry) => entry.pattern.test(reason));
  if (known) return new FonnteApiError(known.code, reason, httpStatus, known.transient);
  const transient = httpStatus === 429 || httpStatus >= 500;
  return new FonnteApiError("FONNTE_REJECTED", reason, httpStatus, transient);
}
