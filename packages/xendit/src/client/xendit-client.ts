import { callableSchema, parseInput, ResponseBodyTimeoutError, readBodyWithin } from "@lunas/core";
import ky, { HTTPError, type KyInstance, TimeoutError } from "ky";
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
  /** Per-call timeout: for the answer's headers, and again for its body. Default 30 s. */
  timeoutMs?: number;
  /** xenPlatform sub-account to act for (`for-user-id` header) on every call. */
  forUserId?: string;
  /** Retries of GET calls on network errors and 5xx (ky's backoff). Default 0; creates are never retried here, retry them with the same idempotency key. */
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

/**
 * A small Xendit API client over ky: Payment Sessions and legacy invoices.
 * Runs wherever `fetch` does (Node, Deno / Supabase Edge, Bun, workers).
 * Inputs are validated before any request; responses are validated with
 * loose schemas so fields and enum values Xendit adds later do not break parsing.
 */
export function createXenditClient(options: XenditClientOptions): XenditClient {
  const config = parseInput(clientOptionsSchema, options, "Xendit client options");
  // The key lives only in this header; it is never part of an error or a log line.
  const authorization = `Basic ${btoa(`${config.secretKey}:`)}`;
  const http: KyInstance = ky.create({
    prefixUrl: config.baseUrl,
    timeout: config.timeoutMs,
    throwHttpErrors: false,
    retry: 0,
    headers: { authorization, accept: "application/json" },
    ...(config.fetch ? { fetch: config.fetch } : {}),
  });

  async function call<S extends z.ZodType>(
    what: string,
    method: "get" | "post",
    path: string,
    schema: S,
    body: unknown,
    callOptions: CreateCallOptions | undefined,
  ): Promise<z.output<S>> {
    const opts = parseInput(callOptionsSchema, callOptions, `${what} options`) ?? {};
    const headers: Record<string, string> = {};
    const forUserId = opts.forUserId ?? config.forUserId;
    if (forUserId) headers["for-user-id"] = forUserId;
    if (opts.idempotencyKey) headers["idempotency-key"] = opts.idempotencyKey;
    const timeoutMs = opts.timeoutMs ?? config.timeoutMs;

    // ky's timeout stops once the headers arrive; this signal also cuts a body that stalls.
    const bodyDeadline = new AbortController();
    const signal = opts.signal
      ? AbortSignal.any([opts.signal, bodyDeadline.signal])
      : bodyDeadline.signal;
    let response: Response;
    try {
      response = await http(path, {
        method,
        headers,
        timeout: timeoutMs,
        // ky retries a status only when it throws for it; the final answer is read below either way.
        throwHttpErrors: method === "get",
        retry:
          method === "get"
            ? {
                limit: config.getRetries,
                methods: ["get"],
                // 5xx only: a 429's Retry-After can be far longer than any call should wait.
                statusCodes: [500, 502, 503, 504],
                maxRetryAfter: timeoutMs,
                backoffLimit: timeoutMs,
              }
            : { limit: 0 },
        ...(body === undefined ? {} : { json: body }),
        signal,
      });
    } catch (error) {
      if (error instanceof HTTPError) {
        response = error.response;
      } else {
        if (error instanceof TimeoutError) throw new XenditTimeoutError(what, timeoutMs);
        if (opts.signal?.aborted) throw error;
        throw new XenditNetworkError(what, { cause: error });
      }
    }

    let text: string;
    try {
      text = await readBodyWithin(response, timeoutMs, bodyDeadline);
    } catch (error) {
      if (opts.signal?.aborted) throw error;
      if (error instanceof ResponseBodyTimeoutError) throw new XenditTimeoutError(what, timeoutMs);
      throw new XenditNetworkError(what, { cause: error });
    }
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }

    if (!response.ok) {
      const parsed = errorBodySchema.safeParse(json);
      if (parsed.success) {
        throw new XenditApiError(
          parsed.data.error_code,
          `${what} failed: ${parsed.data.message ?? parsed.data.error_code} (HTTP ${response.status})`,
          response.status,
          parsed.data.errors ?? [],
        );
      }
      throw new XenditApiError(
        `HTTP_${response.status}`,
        `${what} failed with HTTP ${response.status} and no Xendit error body`,
        response.status,
      );
    }

    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
        .join("; ");
      throw new XenditResponseError(
        `${what}: unexpected response from Xendit (HTTP ${response.status}): ${issues}`,
        response.status,
      );
    }
    return parsed.data;
  }

  const sessionPath = (id: string, what: string) =>
    `sessions/${encodeURIComponent(parseInput(sessionIdSchema, id, what))}`;
  const invoicePath = (id: string, what: string) =>
    `v2/invoices/${encodeURIComponent(parseInput(invoiceIdSchema, id, what))}`;

  return {
    sessions: {
      async create(input, callOptions) {
        const body = parseInput(createSessionInputSchema, input, "payment session");
        return call("Create session", "post", "sessions", paymentSessionSchema, body, callOptions);
      },
      async get(sessionId, callOptions) {
        const path = sessionPath(sessionId, "session id");
        return call("Get session", "get", path, paymentSessionSchema, undefined, callOptions);
      },
      async cancel(sessionId, callOptions) {
        const path = `${sessionPath(sessionId, "session id")}/cancel`;
        return call("Cancel session", "post", path, paymentSessionSchema, undefined, callOptions);
      },
    },
    invoices: {
      async create(input, callOptions) {
        const body = parseInput(createInvoiceInputSchema, input, "invoice");
        return call("Create invoice", "post", "v2/invoices", invoiceSchema, body, callOptions);
      },
      async get(invoiceId, callOptions) {
        const path = invoicePath(invoiceId, "invoice id");
        return call("Get invoice", "get", path, invoiceSchema, undefined, callOptions);
      },
    },
  };
}
