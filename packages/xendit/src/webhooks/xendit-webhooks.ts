import {
  type Clock,
  createIdempotentProcessor,
  IdempotencyInProgressError,
  IdempotencyPayloadMismatchError,
  type IdempotencyStore,
  InvalidArgumentError,
  parseInput,
} from "@lunas/core";
import { z } from "zod";
import { CALLBACK_TOKEN_HEADER, encodeTokens, matchesAnyToken } from "./callback-token.js";
import { BodyTooLargeError, readLimitedBody } from "./read-limited-body.js";
import {
  dedupeKeyOf,
  fingerprintOf,
  parseXenditWebhook,
  type UnknownXenditEvent,
  XENDIT_EVENT_NAMES,
  type XenditEvent,
  type XenditEventName,
  type XenditEventOf,
  XenditEventShapeError,
} from "./xendit-events.js";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface XenditWebhooksOptions {
  /** The account's callback verification token; two during a rotation (old and new). */
  verificationTokens: readonly string[];
  /** Where processed deliveries are remembered (`MemoryIdempotencyStore`, `PostgresIdempotencyStore`, ...). */
  store: IdempotencyStore;
  clock?: Clock;
  /** How long one delivery may hold an event before a redelivery may take it over. Default 60 s. */
  leaseMs?: number;
  /** How long a processed event is remembered. Default 7 days: Xendit retries for about 24 h. */
  retentionMs?: number;
  /** Larger bodies answer 413. Default 1 MiB. */
  maxBodyBytes?: number;
}

/** Where an error happened, for `onError`. Never contains the callback token. */
export interface WebhookErrorContext {
  event?: XenditEventName;
  key?: string;
}

export type HeadersLike =
  | Request
  | Headers
  | Record<string, string | readonly string[] | undefined>;

export interface ReceiveResult {
  key: string;
  /** True when this event had already been processed; handlers did not run again. */
  replayed: boolean;
}

export interface XenditWebhooks {
  /** Whether the request (or its headers) carries one of the configured tokens, compared in constant time. */
  verify(request: HeadersLike): boolean;
  /** Registers a handler; several per event run in registration order. Keep them fast: record and enqueue. */
  on<N extends XenditEventName>(event: N, handler: (event: XenditEventOf<N>) => unknown): void;
  /** Called for well-formed events this package has no schema for; they are acknowledged with 200. */
  onUnknown(handler: (event: UnknownXenditEvent) => unknown): void;
  /** Called when a handler throws (the delivery answers 500 and Xendit retries it). */
  onError(handler: (error: unknown, context: WebhookErrorContext) => unknown): void;
  /** Runs the handlers for an already verified and parsed event, once per dedupe key. */
  receive(event: XenditEvent): Promise<ReceiveResult>;
  /** The whole webhook endpoint on Web standards: verify, parse, dedupe, handle. */
  handler(request: Request): Promise<Response>;
}

const optionsSchema = z.object({
  verificationTokens: z
    .array(z.string().min(1, "a verification token cannot be empty"))
    .min(1, "give the account's callback verification token")
    .max(2, "at most two tokens (old and new) during a rotation"),
  store: z.custom<IdempotencyStore>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      typeof (value as IdempotencyStore).claim === "function",
    "an IdempotencyStore",
  ),
  clock: z
    .custom<Clock>(
      (value) =>
        typeof value === "object" && value !== null && typeof (value as Clock).now === "function",
      "a Clock",
    )
    .optional(),
  leaseMs: z.number().int().positive().default(60_000),
  retentionMs: z
    .number()
    .int()
    .min(2 * DAY_MS, "keep processed events at least 2 days: Xendit retries for about 24 h")
    .default(7 * DAY_MS),
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
});

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function errorResponse(status: number, code: string, message: string, headers = {}): Response {
  return json(status, { error: { code, message } }, headers);
}

function headerValue(source: HeadersLike, name: string): string | null {
  if (source instanceof Request) return source.headers.get(name);
  if (source instanceof Headers) return source.get(name);
  const raw = source[name] ?? source[name.toLowerCase()];
  if (raw === undefined) return null;
  if (typeof raw === "string") return raw;
  // A repeated header is ambiguous; refuse it rather than pick one.
  return raw.length === 1 ? (raw[0] ?? null) : null;
}

/**
 * Xendit webhooks in the shape of octokit's: `verify`, `on`, `onUnknown`,
 * `onError`, `receive`, and `handler`, a `(Request) => Promise<Response>` that
 * mounts in Hono, Express (via a Request adapter), Deno and Supabase Edge.
 *
 * Each event runs its handlers once per dedupe key, through the core
 * idempotent processor: redeliveries answer 200 without running them again,
 * a concurrent duplicate answers 409 with Retry-After (Xendit retries), a
 * failing handler answers 500 and is retried. Xendit waits 30 s for an answer,
 * so handlers should record and enqueue, not fulfil inline.
 */
export function createXenditWebhooks(options: XenditWebhooksOptions): XenditWebhooks {
  const config = parseInput(optionsSchema, options, "Xendit webhook options");
  const tokens = encodeTokens(config.verificationTokens);
  const processor = createIdempotentProcessor({
    store: config.store,
    leaseMs: config.leaseMs,
    retentionMs: config.retentionMs,
    ...(config.clock ? { clock: config.clock } : {}),
  });
  const handlers = new Map<XenditEventName, ((event: XenditEvent) => unknown)[]>();
  const unknownHandlers: ((event: UnknownXenditEvent) => unknown)[] = [];
  const errorHandlers: ((error: unknown, context: WebhookErrorContext) => unknown)[] = [];

  async function reportError(error: unknown, context: WebhookErrorContext): Promise<void> {
    for (const handler of errorHandlers) {
      try {
        await handler(error, context);
      } catch {
        // An error reporter that fails must not turn into a second failure.
      }
    }
  }

  async function receive(event: XenditEvent): Promise<ReceiveResult> {
    const key = dedupeKeyOf(event);
    const { replayed } = await processor.run(key, fingerprintOf(event), async () => {
      const list = handlers.get(event.event) ?? [];
      for (const handler of list) await handler(event);
      return { handlers: list.length };
    });
    return { key, replayed };
  }

  const verify = (request: HeadersLike): boolean =>
    matchesAnyToken(headerValue(request, CALLBACK_TOKEN_HEADER), tokens);

  return {
    verify,
    on(event, handler) {
      if (!(XENDIT_EVENT_NAMES as readonly string[]).includes(event)) {
        throw new InvalidArgumentError(
          `Unknown Xendit event ${JSON.stringify(event)}; known: ${XENDIT_EVENT_NAMES.join(", ")}. Use onUnknown for others.`,
        );
      }
      const list = handlers.get(event) ?? [];
      list.push(handler as (event: XenditEvent) => unknown);
      handlers.set(event, list);
    },
    onUnknown(handler) {
      unknownHandlers.push(handler);
    },
    onError(handler) {
      errorHandlers.push(handler);
    },
    receive,
    async handler(request) {
      if (request.method !== "POST") {
        return errorResponse(405, "METHOD_NOT_ALLOWED", "Xendit webhooks are POST requests", {
          allow: "POST",
        });
      }
      if (!verify(request)) {
        return errorResponse(
          401,
          "INVALID_CALLBACK_TOKEN",
          "Missing or wrong x-callback-token; compare it with the Webhook verification token in the Xendit dashboard",
        );
      }

      let text: string;
      try {
        text = await readLimitedBody(request, config.maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          return errorResponse(413, "PAYLOAD_TOO_LARGE", error.message);
        }
        return errorResponse(400, "INVALID_BODY", "The body could not be read as UTF-8 text");
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return errorResponse(400, "INVALID_JSON", "The body is not valid JSON");
      }

      let parsed: ReturnType<typeof parseXenditWebhook>;
      try {
        parsed = parseXenditWebhook(body);
      } catch (error) {
        if (error instanceof XenditEventShapeError) {
          return errorResponse(400, "INVALID_EVENT", error.message);
        }
        throw error;
      }

      if (parsed.kind === "unknown") {
        for (const handler of unknownHandlers) {
          try {
            await handler(parsed.unknown);
          } catch (error) {
            await reportError(error, {});
          }
        }
        return json(200, { ok: true, unknown: true, event: parsed.unknown.event });
      }

      const event = parsed.event;
      const key = dedupeKeyOf(event);
      try {
        const result = await receive(event);
        return json(200, { ok: true, event: event.event, key, replayed: result.replayed });
      } catch (error) {
        if (error instanceof IdempotencyInProgressError) {
          return errorResponse(
            409,
            error.code,
            "This event is being processed by another delivery; retry later",
            { "retry-after": String(error.retryAfterSeconds) },
          );
        }
        if (error instanceof IdempotencyPayloadMismatchError) {
          return errorResponse(
            422,
            error.code,
            "An event with this id was already processed with different content",
          );
        }
        await reportError(error, { event: event.event, key });
        return errorResponse(500, "HANDLER_FAILED", "The event handler failed; Xendit will retry");
      }
    },
  };
}
