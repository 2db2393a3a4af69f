import { LunasError } from "../errors/lunas-error.js";

/**
 * Base class of what `createJsonHttpClient` throws. Provider clients subclass
 * the four kinds below (XenditApiError extends HttpApiError, ...) through the
 * client's `mapError`, so one `instanceof HttpApiError` works for every provider
 * while each keeps its own name and codes. No field or message carries a
 * credential: the client redacts them before building the error.
 */
export class HttpClientError extends LunasError {}

export interface HttpApiErrorOptions {
  /** Stable code; default `HTTP_<status>`. */
  code?: string;
  /** The provider's own error code from the body (`error_code`, `reason`, ...). */
  providerCode?: string;
  /** The provider's own message from the body. */
  providerMessage?: string;
  /** The answer's body, parsed as JSON when it was JSON, redacted. */
  body?: unknown;
  /** How long the provider asked to wait before another attempt (`Retry-After`). */
  retryAfterMs?: number;
  cause?: unknown;
}

/** The provider answered, and the answer is a failure: an error status, or an envelope that says so. */
export class HttpApiError extends HttpClientError {
  readonly status: number;
  readonly providerCode: string | undefined;
  readonly providerMessage: string | undefined;
  readonly body: unknown;
  readonly retryAfterMs: number | undefined;

  constructor(status: number, message: string, options: HttpApiErrorOptions = {}) {
    super(options.code ?? `HTTP_${status}`, message, { cause: options.cause });
    this.status = status;
    this.providerCode = options.providerCode;
    this.providerMessage = options.providerMessage;
    this.body = options.body;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * No complete answer (headers and body) within `timeoutMs`. Whether the
 * provider acted on the request is unknown: repeat it only with the same
 * idempotency key, or look before creating again.
 */
export class HttpTimeoutError extends HttpClientError {
  readonly timeoutMs: number;

  constructor(
    timeoutMs: number,
    message: string,
    options: { code?: string; cause?: unknown } = {},
  ) {
    super(options.code ?? "HTTP_TIMEOUT", message, { cause: options.cause });
    this.timeoutMs = timeoutMs;
  }
}

/** The request never got an answer: DNS, refused or reset connection, TLS. */
export class HttpNetworkError extends HttpClientError {
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(options.code ?? "HTTP_NETWORK_ERROR", message, { cause: options.cause });
  }
}

/** One thing wrong with an answer's shape: where (`data.items.0.id`, `(root)`) and what, never the value. */
export interface ResponseIssue {
  path: string;
  message: string;
}

/**
 * A success status whose body this client cannot use: not JSON
 * (`reason: "not-json"`), or not the provider's envelope or the request
 * schema's shape (`reason: "unexpected-shape"`, `issues` name the fields).
 */
export class HttpResponseError extends HttpClientError {
  readonly status: number;
  readonly reason: "not-json" | "unexpected-shape";
  readonly issues: readonly ResponseIssue[];

  constructor(
    status: number,
    message: string,
    options: {
      code?: string;
      reason?: "not-json" | "unexpected-shape";
      issues?: readonly ResponseIssue[];
      cause?: unknown;
    } = {},
  ) {
    super(options.code ?? "HTTP_BAD_RESPONSE", message, { cause: options.cause });
    this.status = status;
    this.reason = options.reason ?? "unexpected-shape";
    this.issues = options.issues ?? [];
  }
}
