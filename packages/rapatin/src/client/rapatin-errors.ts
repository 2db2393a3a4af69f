import { HttpApiError, HttpNetworkError, HttpTimeoutError, LunasError } from "@lunas/core";

/**
 * Base class of the errors the Rapatin client throws; branch on `code`. The
 * HTTP errors below subclass core's HTTP errors instead (so one
 * `instanceof HttpApiError` covers every provider), and still count as
 * `instanceof RapatinError` (see the end of this file).
 */
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
export class RapatinApiError extends HttpApiError {
  /** Rapatin's own `response.message`, when it sent one. */
  readonly apiMessage: string | undefined;

  constructor(
    status: number,
    message: string,
    options?: {
      code?: string;
      apiMessage?: string;
      cause?: unknown;
      body?: unknown;
      retryAfterMs?: number;
    },
  ) {
    const { apiMessage, ...rest } = options ?? {};
    super(status, message, {
      ...rest,
      code: options?.code ?? codeForStatus(status),
      ...(apiMessage === undefined ? {} : { providerMessage: apiMessage }),
    });
    this.apiMessage = apiMessage;
  }
}

/** Rapatin rejected the request's fields (HTTP 422). `fields` maps each field to its messages. */
export class RapatinValidationError extends HttpApiError {
  declare readonly status: 422;
  readonly fields: Record<string, string[]>;

  constructor(message: string, fields: Record<string, string[]>, options?: { body?: unknown }) {
    const summary = Object.entries(fields)
      .map(([field, messages]) => `${field}: ${messages.join(" ")}`)
      .join("; ");
    super(422, summary ? `${message}: ${summary}` : message, {
      code: "RAPATIN_VALIDATION",
      ...options,
    });
    this.fields = fields;
  }
}

/** Rapatin refused the email/password (it answers 401 or 422 to a bad login). */
export class RapatinLoginError extends HttpApiError {
  constructor(status: number) {
    super(
      status,
      `Rapatin refused the login (HTTP ${status}); check the account email and password`,
      { code: "RAPATIN_LOGIN_FAILED" },
    );
  }
}

/** No answer within `timeoutMs`. For a create, the meeting may or may not exist now. */
export class RapatinTimeoutError extends HttpTimeoutError {
  constructor(what: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(
      timeoutMs,
      `Rapatin did not answer ${what} within ${timeoutMs} ms; retry later or raise timeoutMs`,
      { code: "RAPATIN_TIMEOUT", ...options },
    );
  }
}

/** The request never got an HTTP answer (DNS, refused connection, reset). */
export class RapatinNetworkError extends HttpNetworkError {
  constructor(what: string, options?: { cause?: unknown }) {
    super(`Could not reach Rapatin for ${what}; check baseUrl and the network`, {
      code: "RAPATIN_UNREACHABLE",
      ...options,
    });
  }
}

const rapatinHttpErrors = [
  RapatinApiError,
  RapatinValidationError,
  RapatinLoginError,
  RapatinTimeoutError,
  RapatinNetworkError,
];

// Subclasses (BookingInProgressError, ...) inherit this check, so it tests
// against the class it is called on (`this`); only RapatinError itself also
// claims the HTTP errors, which cannot extend it as well as core's classes.
Object.defineProperty(RapatinError, Symbol.hasInstance, {
  value: function isInstance(this: typeof RapatinError, value: unknown): boolean {
    if (this === RapatinError && rapatinHttpErrors.some((kind) => value instanceof kind))
      return true;
    return Function.prototype[Symbol.hasInstance].call(this, value);
  },
});
