import {
  type AnswerVerdict,
  createJsonHttpClient,
  type HttpAnswer,
  HttpApiError,
  type HttpClientError,
  HttpNetworkError,
  type HttpRequestContext,
  HttpResponseError,
  HttpTimeoutError,
  parseInput,
} from "@lunas/core";
import { callableSchema } from "@lunas/core/validation";
import { z } from "zod";
import {
  type CreateInvoiceInput,
  createInvoiceInputSchema,
  type Invoice,
  invoiceIdSchema,
  invoiceSchema,
} from "./invoice-schemas.js";
import {
  type CreateSessionInput,
  createSessionInputSchema,
  type PaymentSession,
  paymentSessionSchema,
  sessionIdSchema,
} from "./session-schemas.js";
import {
  XenditApiError,
  XenditNetworkError,
  XenditResponseError,
  XenditTimeoutError,
} from "./xendit-errors.js";

export interface XenditClientOptions {
  /** The secret API key (`xnd_development_...` / `xnd_production_...`). Sent as HTTP Basic auth, never logged. */
  secretKey: string;
  /** Default `https://api.xendit.co`; the fake server's `url` in tests. */
  baseUrl?: string;
  /** Per-call timeout for the whole answer, headers and body together. Default 30 s. */
  timeoutMs?: number;
  /** xenPlatform sub-account to act for (`for-user-id` header) on every call. */
  forUserId?: string;
  /** Retries of GET calls on network errors and 5xx (full-jitter backoff, `Retry-After` up to `timeoutMs`). Default 0; creates are never retried here, retry them with the same idempotency key. */
  getRetries?: number;
  /** A fetch implementation (tests, proxies). Default the global `fetch`. */
  fetch?: typeof fetch;
}

export interface CallOptions {
  /** Overrides the client's `forUserId` for this call. */
  forUserId?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface CreateCallOptions extends CallOptions {
  /** Sent as `idempotency-key`: the same key returns the first call's result instead of creating again. */
  idempotencyKey?: string;
}

export interface XenditClient {
  sessions: {
    create(input: CreateSessionInput, options?: CreateCallOptions): Promise<PaymentSession>;
    get(sessionId: string, options?: CallOptions): Promise<PaymentSession>;
    cancel(sessionId: string, options?: CallOptions): Promise<PaymentSession>;
  };
  invoices: {
    create(input: CreateInvoiceInput, options?: CreateCallOptions): Promise<Invoice>;
    get(invoiceId: string, options?: CallOptions): Promise<Invoice>;
  };
}

// Strict: a misspelt option (idempotencykey, timeoutMS) must fail, not silently fall back.
const clientOptionsSchema = z.strictObject({
  secretKey: z
    .string()
    .min(1)
    .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces"),
  baseUrl: z.url().default("https://api.xendit.co"),
  timeoutMs: z.number().int().positive().max(600_000).default(30_000),
  forUserId: z.string().min(1).optional(),
  getRetries: z.number().int().min(0).max(5).default(0),
  fetch: callableSchema<typeof fetch>("must be a fetch function").optional(),
});

const callOptionsSchema = z
  .strictObject({
    forUserId: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().max(600_000).optional(),
    signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
    idempotencyKey: z.string().min(1).max(255).optional(),
  })
  .optional();

const errorBodySchema = z.looseObject({
  error_code: z.string().min(1),
  message: z.string().optional(),
  errors: z.array(z.unknown()).optional(),
});

function readAnswer(answer: HttpAnswer): AnswerVerdict {
  if (answer.status >= 200 && answer.status < 300) return { data: answer.body };
  const parsed = errorBodySchema.safeParse(answer.body);
  if (!parsed.success) return { failure: {} };
  return {
    failure: {
      providerCode: parsed.data.error_code,
      ...(parsed.data.message === undefined ? {} : { message: parsed.data.message }),
    },
  };
}

function toXenditError(error: HttpClientError, { what }: HttpRequestContext): Error {
  if (error instanceof HttpApiError) {
    const details = {
      body: error.body,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    };
    if (error.providerCode === undefined) {
      return new XenditApiError(
        `HTTP_${error.status}`,
        `${what} failed with HTTP ${error.status} and no Xendit error body`,
        error.status,
        [],
        details,
      );
    }
    const errors = errorBodySchema.safeParse(error.body).data?.errors ?? [];
    return new XenditApiError(
      error.providerCode,
      `${what} failed: ${error.providerMessage ?? error.providerCode} (HTTP ${error.status})`,
      error.status,
      errors,
      details,
    );
  }
  if (error instanceof HttpTimeoutError) return new XenditTimeoutError(what, error.timeoutMs);
  if (error instanceof HttpNetworkError)
    return new XenditNetworkError(what, { cause: error.cause });
  if (!(error instanceof HttpResponseError)) return error;
  return new XenditResponseError(
    `${what}: unexpected response from Xendit (HTTP ${error.status}): ${
      error.reason === "not-json"
        ? "not JSON"
        : error.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")
    }`,
    error.status,
    { reason: error.reason, issues: error.issues },
  );
}

/**
 * A small Xendit API client on core's JSON HTTP client: Payment Sessions and
 * legacy invoices. Runs wherever `fetch` does (Node, Deno / Supabase Edge,
 * Bun, workers). Inputs are validated before any request; responses are
 * validated with loose schemas so fields and enum values Xendit adds later do
 * not break parsing.
 */
export function createXenditClient(options: XenditClientOptions): XenditClient {
  const config = parseInput(clientOptionsSchema, options, "Xendit client options");
  const http = createJsonHttpClient({
    service: "Xendit",
    baseUrl: config.baseUrl,
    // The key lives only in this header; the client redacts it from every error and log.
    auth: { type: "basic", username: config.secretKey },
    timeoutMs: config.timeoutMs,
    // 5xx only: a 429's Retry-After can be far longer than any call should wait.
    retry: {
      limit: config.getRetries,
      statuses: [500, 502, 503, 504],
      maxDelayMs: config.timeoutMs,
    },
    parseAnswer: readAnswer,
    mapError: toXenditError,
    ...(config.fetch ? { fetch: config.fetch } : {}),
  });

  async function call<S extends z.ZodType>(
    what: string,
    method: "GET" | "POST",
    path: string,
    schema: S,
    body: unknown,
    callOptions: CreateCallOptions | undefined,
  ): Promise<z.output<S>> {
    const opts = parseInput(callOptionsSchema, callOptions, `${what} options`) ?? {};
    const forUserId = opts.forUserId ?? config.forUserId;
    return http.request({
      method,
      path,
      what,
      schema,
      ...(forUserId ? { headers: { "for-user-id": forUserId } } : {}),
      ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(body === undefined ? {} : { json: body }),
      // getRetries covers GETs; a create is repeated by its caller, with the same idempotency key.
      ...(method === "POST" ? { retry: false as const } : {}),
    });
  }

  const sessionPath = (id: string, what: string) =>
    `sessions/${encodeURIComponent(parseInput(sessionIdSchema, id, what))}`;
  const invoicePath = (id: string, what: string) =>
    `v2/invoices/${encodeURIComponent(parseInput(invoiceIdSchema, id, what))}`;

  return {
    sessions: {
      async create(input, callOptions) {
        const body = parseInput(createSessionInputSchema, input, "payment session");
        return call("Create session", "POST", "sessions", paymentSessionSchema, body, callOptions);
      },
      async get(sessionId, callOptions) {
        const path = sessionPath(sessionId, "session id");
        return call("Get session", "GET", path, paymentSessionSchema, undefined, callOptions);
      },
      async cancel(sessionId, callOptions) {
        const path = `${sessionPath(sessionId, "session id")}/cancel`;
        return call("Cancel session", "POST", path, paymentSessionSchema, undefined, callOptions);
      },
    },
    invoices: {
      async create(input, callOptions) {
        const body = parseInput(createInvoiceInputSchema, input, "invoice");
        return call("Create invoice", "POST", "v2/invoices", invoiceSchema, body, callOptions);
      },
      async get(invoiceId, callOptions) {
        const path = invoicePath(invoiceId, "invoice id");
        return call("Get invoice", "GET", path, invoiceSchema, undefined, callOptions);
      },
    },
  };
}
