import { LunasError } from "@lunas/core";

/** Base class of the errors the Rapatin client throws; branch on `code`. */
export class RapatinError extends LunasError {}

function codeForStatus(status: number): string {
  if (status === 401) return "RAPATIN_UNAUTHORIZED";
  if (status === 403) return "RAPATIN_FORBIDDEN";
  if (status === 404) return "RAPATIN_NOT_FOUND";
  if (status === 409) return "RAPATIN_CONFLICT";
  if (status === 429) return "RAPATIN_RATE_LIMITED";
  if (status >= 500) return "RAPATIN_SERVER_ERROR";
  return "RAPATIN_HTTP_ERROR";
}

/**
 * Rapatin answered with an error status (or an answer we could not read).
 * `status` is the HTTP status; `status === 401` is what the token provider
 * treats as an expired token.
 */
export class RapatinApiError extends RapatinError {
  readonly status: number;
  /** Rapatin's own `response.message`, when it sent one. */
  readonly apiMessage: string | undefined;

  constructor(
    status: number,
    message: string,
    options?: { code?: string; apiMessage?: string; cause?: unknown },
  ) {
    super(options?.code ?? codeForStatus(status), message, { cause: options?.cause });
    this.status = status;
    this.apiMessage = options?.apiMessage;
  }
}

/** Rapatin rejected the request's fields (HTTP 422). `fields` maps each field to its messages. */
export class RapatinValidationError extends RapatinError {
  readonly status = 422;
  readonly fields: Record<string, string[]>;

  constructor(message: string, fields: Record<string, string[]>) {
    const summary = Object.entries(fields)
      .map(([field, messages]) => `${field}: ${messages.join(" ")}`)
      .join("; ");
    super("RAPATIN_VALIDATION", summary ? `${message}: ${summary}` : message);
    this.fields = fields;
  }
}

/** Rapatin refused the email/password (it answers 401 or 422 to a bad login). */
export class RapatinLoginError extends RapatinError {
  readonly status: number;

  constructor(status: number) {
    super(
      "RAPATIN_LOGIN_FAILED",
      `Rapatin refused the login (HTTP ${status}); check the account email and password`,
    );
    this.status = status;
  }
}

/** No answer within `timeoutMs`. For a create, the meeting may or may not exist now. */
export class RapatinTimeoutError extends RapatinError {
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(
      "RAPATIN_TIMEOUT",
      `Rapatin did not answer ${what} within ${timeoutMs} ms; retry later or raise timeoutMs`,
      options,
    );
    this.timeoutMs = timeoutMs;
  }
}

/** The request never got an HTTP answer (DNS, refused connection, reset). */
export class RapatinNetworkError extends RapatinError {
  constructor(what: string, options?: { cause?: unknown }) {
    super(
      "RAPATIN_UNREACHABLE",
      `Could not reach Rapatin for ${what}; check baseUrl and the network`,
      options,
    );
  }
}
