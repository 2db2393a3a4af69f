import {
  HttpApiError,
  HttpNetworkError,
  HttpResponseError,
  HttpTimeoutError,
  type ResponseIssue,
} from "@lunas/core";

/**
 * Xendit answered with an error body (`{ error_code, message }`). `code` is
 * Xendit's `error_code` (`API_VALIDATION_ERROR`, `DATA_NOT_FOUND`, ...), so
 * callers branch on the same codes Xendit documents.
 */
export class XenditApiError extends HttpApiError {
  /** Field errors Xendit sent along, when it did. */
  readonly errors: readonly unknown[];

  constructor(
    code: string,
    message: string,
    status: number,
    errors: readonly unknown[] = [],
    options?: { cause?: unknown; body?: unknown; retryAfterMs?: number },
  ) {
    super(status, message, {
      code,
      ...(code.startsWith("HTTP_") ? {} : { providerCode: code }),
      ...options,
    });
    this.errors = errors;
  }
}

/** A call to Xendit did not finish within its timeout. Whether Xendit acted on it is unknown: retry with the same idempotency key. */
export class XenditTimeoutError extends HttpTimeoutError {
  constructor(what: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(
      timeoutMs,
      `${what} got no answer from Xendit within ${timeoutMs} ms; retry with the same idempotency key`,
      { code: "XENDIT_TIMEOUT", ...options },
    );
  }
}

/** Xendit answered 2xx with a body this client cannot read (not JSON, or missing fields it relies on). */
export class XenditResponseError extends HttpResponseError {
  constructor(
    message: string,
    status: number,
    options?: {
      cause?: unknown;
      reason?: "not-json" | "unexpected-shape";
      issues?: readonly ResponseIssue[];
    },
  ) {
    super(status, message, { code: "XENDIT_BAD_RESPONSE", ...options });
  }
}

/** The request never reached Xendit or its answer never came back (DNS, TLS, connection reset). */
export class XenditNetworkError extends HttpNetworkError {
  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what} could not reach Xendit`, { code: "XENDIT_NETWORK_ERROR", ...options });
  }
}
