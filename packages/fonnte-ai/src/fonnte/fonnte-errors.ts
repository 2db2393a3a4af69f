import { HttpApiError, HttpNetworkError, HttpResponseError, HttpTimeoutError } from "@lunas/core";

/**
 * Fonnte refused a request: HTTP 200 with `status: false` (or `Status: false`)
 * and a `reason`, or an HTTP error. `code` names the reason
 * (`FONNTE_TOKEN_INVALID`, `FONNTE_INSUFFICIENT_QUOTA`, …).
 */
export class FonnteApiError extends HttpApiError {
  /** Fonnte's `reason`, as it wrote it (`token invalid`, `insufficient quota`, …). */
  readonly reason: string;
  /** Worth trying again later (disconnected device, rate limit, server error). */
  readonly transient: boolean;

  constructor(code: string, reason: string, status: number, transient: boolean, body?: unknown) {
    super(status, `Fonnte refused the request: ${reason}`, { code, providerCode: reason, body });
    this.reason = reason;
    this.transient = transient;
  }
}

/** No complete answer within the timeout. Fonnte may have queued the message: not retried. */
export class FonnteTimeoutError extends HttpTimeoutError {}

/** Fonnte could not be reached, or the connection dropped before its answer. */
export class FonnteNetworkError extends HttpNetworkError {}

/** Fonnte answered 2xx with a body this client cannot read. */
export class FonnteResponseError extends HttpResponseError {}

// Fonnte's documented reasons, matched on the words so small rewordings still
// map. Transient ones may succeed later without anyone changing anything.
const REASONS: readonly { pattern: RegExp; code: string; transient: boolean }[] = [
  {
    pattern: /token.*invalid|invalid.*token|unauthori/i,
    code: "FONNTE_TOKEN_INVALID",
    transient: false,
  },
  { pattern: /quota/i, code: "FONNTE_INSUFFICIENT_QUOTA", transient: false },
  {
    pattern: /target.*invalid|invalid.*target|not.*registered/i,
    code: "FONNTE_TARGET_INVALID",
    transient: false,
  },
  {
    pattern: /url.*invalid|unreachable|file format/i,
    code: "FONNTE_URL_INVALID",
    transient: false,
  },
  {
    pattern: /input.*invalid|invalid.*input|required|too long/i,
    code: "FONNTE_INPUT_INVALID",
    transient: false,
  },
  {
    pattern: /disconnect|not connected|device.*offline/i,
    code: "FONNTE_DEVICE_DISCONNECTED",
    transient: true,
  },
  {
    pattern: /rate limit|too many|busy|try again|timeout/i,
    code: "FONNTE_RATE_LIMITED",
    transient: true,
  },
];

/** The typed error for a Fonnte `reason` (or an HTTP status without one). */
export function fonnteErrorFor(reason: string, status: number, body?: unknown): FonnteApiError {
  const known = REASONS.find((entry) => entry.pattern.test(reason));
  if (known) return new FonnteApiError(known.code, reason, status, known.transient, body);
  const transient = status === 429 || status >= 500;
  return new FonnteApiError("FONNTE_REJECTED", reason, status, transient, body);
}
