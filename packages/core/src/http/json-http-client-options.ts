import { z } from "zod";
import { abortSignalSchema } from "../input/abort-signal.js";
import { callableSchema, clockSchema, portSchema, sleepSchema } from "../input/injected-schemas.js";
import type { Clock, Sleep } from "../time/clock.js";
import type { TokenProvider } from "../token/token-provider.js";
import type { HttpClientError, ResponseIssue } from "./http-errors.js";

/** How the client proves who it is. Every credential here is redacted from errors and log hooks. */
export type HttpAuth =
  /** HTTP Basic (`Authorization: Basic base64(username:password)`); Xendit sends its key as the username. */
  | { type: "basic"; username: string; password?: string }
  /** A fixed bearer token (API keys of OpenAI-compatible providers). */
  | { type: "bearer"; token: string }
  /** A key in a header of the provider's choosing (`x-goog-api-key`, Fonnte's bare `authorization`). */
  | { type: "header"; name: string; value: string }
  /**
   * A login token from core's `createTokenProvider`: each request runs in
   * `withToken`, so a 401 logs in again once and repeats the request.
   * Default header `authorization` with scheme `Bearer`; `scheme: ""` sends the bare token.
   */
  | { type: "token-provider"; tokens: TokenProvider; header?: string; scheme?: string };

export interface HttpRetryOptions {
  /** Attempts after the first. Default 2. */
  limit?: number;
  /** Statuses worth another attempt. Default 429, 500, 502, 503, 504. */
  statuses?: readonly number[];
  /** Cap of the first backoff (full jitter, doubling). Default 300 ms. */
  baseDelayMs?: number;
  /** No wait is longer: a `Retry-After` asking for more ends the call with its error instead. Default 10 000 ms. */
  maxDelayMs?: number;
}

/** An answer as the response hook sees it. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The body parsed as JSON; `undefined` when it was empty, not JSON, or never arrived. */
  body: unknown;
}

/** What the provider's failure says. */
export interface ProviderFailure {
  /** The provider's own code (`error_code`, Fonnte's `reason`). */
  providerCode?: string;
  /** The provider's human message; redacted before it reaches an error. */
  message?: string;
  /** Overrides the status rule: `true` for a transient envelope failure, `false` for a daily quota. */
  retryable?: boolean;
  /** A wait the body asks for (Gemini's `RetryInfo`); a `Retry-After` header is read without this. */
  retryAfterMs?: number;
}

/**
 * A response hook's reading of one answer: the data callers get (unwrapped
 * from the provider's envelope, then checked against the request's schema),
 * a failure (also an HTTP 200 whose envelope says so), or an answer without
 * the provider's shape (issues name fields, never values).
 */
export type AnswerVerdict =
  | { data: unknown }
  | { failure: ProviderFailure }
  | { unreadable: readonly ResponseIssue[] };

export interface HttpRequestContext {
  /** The request as named in messages (`Create session`, `GET /schedules`). */
  what: string;
  method: HttpMethod;
  path: string;
}

/** For logs: every credential, token and configured secret is already replaced by `[redacted]`. */
export interface HttpRequestEvent extends HttpRequestContext {
  url: string;
  headers: Record<string, string>;
  attempt: number;
}

export interface HttpResponseEvent extends HttpRequestContext {
  url: string;
  attempt: number;
  durationMs: number;
  /** Absent when no answer came (timeout, network). */
  status?: number;
  /** The error's code when the attempt failed. */
  errorCode?: string;
}

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";

export interface JsonHttpClientOptions {
  /** The provider's name in messages: `Xendit`, `Rapatin`. */
  service: string;
  /** Every request's `path` is resolved against it. */
  baseUrl: string;
  auth?: HttpAuth;
  /** Sent with every request (after `accept: application/json`). */
  headers?: Record<string, string>;
  /** Per attempt, for the whole answer: headers and body. Default 30 000 ms. */
  timeoutMs?: number;
  /** For the whole call, retries and waits included; unset: attempts and waits bound it. */
  deadlineMs?: number;
  /**
   * Retries happen only for requests that are safe to repeat: GET, HEAD, PUT,
   * DELETE, OPTIONS, a request with an `idempotencyKey`, or one marked
   * `safeToRepeat`. Network errors and `statuses` are retried; timeouts are
   * not (the time is spent, and the outcome is unknown).
   */
  retry?: HttpRetryOptions;
  /** Header that carries a request's `idempotencyKey`. Default `idempotency-key`. */
  idempotencyKeyHeader?: string;
  /** More strings to redact (passwords, account keys) from errors and log hooks. */
  secrets?: readonly string[];
  /** The provider's envelope and error body. Default: 2xx is data, anything else a failure. */
  parseAnswer?: (answer: HttpAnswer) => AnswerVerdict;
  /** Turns the client's error into the provider's subclass of it (XenditApiError, ...). */
  mapError?: (error: HttpClientError, request: HttpRequestContext) => Error;
  onRequest?: (event: HttpRequestEvent) => void;
  onResponse?: (event: HttpResponseEvent) => void;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Measures the call's deadline and reads `Retry-After` dates. Default: the system clock. */
  clock?: Clock;
  /** Waits between attempts (backoff, `Retry-After`). Default: a real timer. Each attempt's timeout is always a real timer, whatever this is. */
  sleep?: Sleep;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number;
}

export interface JsonRequest<S extends z.ZodType = z.ZodType<unknown>> {
  method: HttpMethod;
  /** Relative to `baseUrl`, e.g. `sessions/ps-1`. */
  path: string;
  /** Names the request in messages. Default `<service> <METHOD> /<path>`. */
  what?: string;
  searchParams?: Record<string, string | number | boolean>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sent in `idempotencyKeyHeader`; makes the request safe to retry. */
  idempotencyKey?: string;
  /** The request changes nothing though its method could (a login): retry it like a GET. */
  safeToRepeat?: boolean;
  /** `false`: send without the client's credential (the login itself). */
  auth?: false;
  timeoutMs?: number;
  deadlineMs?: number;
  /** `false`: one attempt only; `{ limit }` overrides the client's. */
  retry?: false | { limit: number };
  signal?: AbortSignal;
  /** The data's shape; a mismatch throws `HttpResponseError` naming the fields. */
  schema?: S;
}

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP header name");
const headerValue = z.string().regex(/^[\t\x20-\x7e\x80-\xff]*$/, "must be a valid header value");
const headersSchema = z.record(headerName, headerValue);
const durationMs = z
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);

const authSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("basic"),
    username: z.string().min(1),
    password: z.string().optional(),
  }),
  z.strictObject({ type: z.literal("bearer"), token: z.string().min(1) }),
  z.strictObject({ type: z.literal("header"), name: headerName, value: headerValue.min(1) }),
  z.strictObject({
    type: z.literal("token-provider"),
    tokens: portSchema<TokenProvider>("a TokenProvider", ["withToken"]),
    header: headerName.optional(),
    scheme: z.string().optional(),
  }),
]);

// Strict: a misspelt option (timeoutMS) must fail, not silently fall back to its default.
export const clientOptionsSchema = z.strictObject({
  service: z.string().min(1),
  baseUrl: z.url({ protocol: /^https?$/ }),
  auth: authSchema.optional(),
  headers: headersSchema.optional(),
  timeoutMs: durationMs.default(30_000),
  deadlineMs: durationMs.optional(),
  retry: z
    .strictObject({
      limit: z.number().int().min(0).max(10).default(2),
      statuses: z.array(z.number().int().min(400).max(599)).default([429, 500, 502, 503, 504]),
      baseDelayMs: z.number().int().min(0).max(600_000).default(300),
      maxDelayMs: z.number().int().min(0).max(600_000).default(10_000),
    })
    .default({
      limit: 2,
      statuses: [429, 500, 502, 503, 504],
      baseDelayMs: 300,
      maxDelayMs: 10_000,
    }),
  idempotencyKeyHeader: headerName.default("idempotency-key"),
  secrets: z.array(z.string()).default([]),
  parseAnswer: callableSchema<NonNullable<JsonHttpClientOptions["parseAnswer"]>>().optional(),
  mapError: callableSchema<NonNullable<JsonHttpClientOptions["mapError"]>>().optional(),
  onRequest: callableSchema<NonNullable<JsonHttpClientOptions["onRequest"]>>().optional(),
  onResponse: callableSchema<NonNullable<JsonHttpClientOptions["onResponse"]>>().optional(),
  fetch: callableSchema<typeof fetch>("must be a fetch function").optional(),
  clock: clockSchema.optional(),
  sleep: sleepSchema.optional(),
  random: callableSchema<() => number>(
    "must be a function returning a number in [0, 1)",
  ).optional(),
});

export const requestSchema = z.strictObject({
  method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
  path: z
    .string()
    .refine((path) => !/^[a-z][a-z0-9+.-]*:/i.test(path), "must be relative to baseUrl"),
  what: z.string().min(1).optional(),
  searchParams: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  json: z.unknown().optional(),
  form: z.record(z.string(), z.string()).optional(),
  headers: headersSchema.optional(),
  idempotencyKey: headerValue.min(1).optional(),
  safeToRepeat: z.boolean().optional(),
  auth: z.literal(false).optional(),
  timeoutMs: durationMs.optional(),
  deadlineMs: durationMs.optional(),
  retry: z
    .union([z.literal(false), z.strictObject({ limit: z.number().int().min(0).max(10) })])
    .optional(),
  signal: abortSignalSchema.optional(),
  schema: z
    .custom<z.ZodType>((value) => value instanceof z.ZodType, "must be a zod schema")
    .optional(),
});
