import { LunasError } from "@lunas/core";

/**
 * Xendit answered with an error body (`{ error_code, message }`). `code` is
 * Xendit's `error_code` (`API_VALIDATION_ERROR`, `DATA_NOT_FOUND`, ...), so
 * callers branch on the same codes Xendit documents.
 */
export class XenditApiError extends LunasError {
  readonly status: number;
  /** Field errors Xendit sent along, when it did. */
  readonly errors: readonly unknown[];

  constructor(
    code: string,
    message: string,
    status: number,
    errors: readonly unknown[] = [],
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.status = status;
    this.errors = errors;
  }
}

/** A call to Xendit did not finish within its timeout. Whether Xendit acted on it is unknown: retry with the same idempotency key. */
export class XenditTimeoutError extends LunasError {
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(
      "XENDIT_TIMEOUT",
      `${what} got no answer from Xendit within ${timeoutMs} ms; retry with the same idempotency key`,
      options,
    );
    this.timeoutMs = timeoutMs;
  }
}

/** Xendit answered 2xx with a body this client cannot read (not JSON, or missing fields it relies on). */
export class XenditResponseError extends LunasError {
  readonly status: number;

  constructor(message: string, status: number, options?: { cause?: unknown }) {
    super("XENDIT_BAD_RESPONSE", message, options);
    this.status = status;
  }
}

/** The request never reached Xendit or its answer never came back (DNS, TLS, connection reset). */
export class XenditNetworkError extends LunasError {
  constructor(what: string, options?: { cause?: unknown }) {
    super("XENDIT_NETWORK_ERROR", `${what} could not reach Xendit`, options);
  }
}
