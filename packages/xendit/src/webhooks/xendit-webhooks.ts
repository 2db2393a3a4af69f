import {
  type Clock,
  createIdempotentProcessor,
  createWebhookProcessor,
  IdempotencyInProgressError,
  IdempotencyPayloadMismatchError,
  type IdempotencyStore,
  InvalidArgumentError,
  parseInput,
  WebhookHandlerError,
  type WebhookOutcome,
} from "@lunas/core";
import { callableSchema, clockSchema, idempotencyStoreSchema } from "@lunas/core/validation";
import { z } from "zod";
import { CALLBACK_TOKEN_HEADER, encodeTokens, matchesAnyToken } from "./callback-token.js";
import { parseXenditEvent } from "./xendit-event-schema.js";
import {
  dedupeKeyOf,
  fingerprintOf,
  type ParsedWebhook,
  parseXenditWebhook,
  type UnknownXenditEvent,
  XENDIT_EVENT_NAMES,
  type XenditEvent,
  type XenditEventName,
  type XenditEventOf,
} from "./xendit-events.js";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface XenditWebhooksOptions {
  /**
   * The account's callback verification token: one string, or an array of one
   * or two during a rotation (old and new).
   */
  verificationTokens: string | readonly string[];
  /** Where processed deliveries are remembered (`MemoryIdempotencyStore`, `PostgresIdempotencyStore`, ...). */
  store: IdempotencyStore;
  clock?: Clock;
  /** How long one delivery may hold an event before a redelivery may take it over. Default 60 s. */
  leaseMs?: number;
  /** How long a processed event is remembered. Default 7 days: Xendit retries for about 24 h. */
  retentionMs?: number;
  /** Larger bodies answer 413 PAYLOAD_TOO_LARGE, unread. Default 1 MiB. */
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
  /**
   * Called when a handler throws (the delivery answers 500 and Xendit retries it),
   * when the idempotency store fails, and when an `onUnknown` handler throws (the
   * delivery is still acknowledged).
   */
  onError(handler: (error: unknown, context: WebhookErrorContext) => unknown): void;
  /** Runs the handlers for an already verified and parsed event, once per dedupe key. */
  receive(event: XenditEvent): Promise<ReceiveResult>;
  /**
   * The whole webhook endpoint on Web standards, on core's `createWebhookProcessor`:
   * verify, read (at most `maxBodyBytes`), parse, dedupe, handle. Answers 200
   * `{ok, event, key, replayed}` (unknown events: `{ok, unknown: true, event}`), or
   * `{"error": {code, message}}` with 405 METHOD_NOT_ALLOWED, 401 UNAUTHORIZED,
   * 413 PAYLOAD_TOO_LARGE, 400 INVALID_PAYLOAD, 409 IDEMPOTENCY_IN_PROGRESS
   * (Retry-After), 422 IDEMPOTENCY_PAYLOAD_MISMATCH, 500 HANDLER_FAILED or INTERNAL_ERROR.
   */
  handler(request: Request): Promise<Response>;
}

const TOKENS_EXPECTED =
  "expected the callback verification token: a string, or an array of one or two";
const token = z.string({ error: TOKENS_EXPECTED }).min(1, "a verification token cannot be empty");
// Strict: a misspelt `leaseMs` or `maxBodyBytes` would otherwise fall back to the default unnoticed.
const optionsSchema = z.strictObject({
  // One string is the one token (not its characters); an array holds one, or two during a rotation.
  verificationTokens: z.preprocess(
    (value) => (typeof value === "string" ? [value] : value),
    z
      .array(token, { error: TOKENS_EXPECTED })
      .min(1, "give the account's callback verification token")
      .max(2, "at most two tokens (old and new) during a rotation"),
  ),
  store: idempotencyStoreSchema,
  clock: clockSchema.optional(),
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

// A handler that is not a function would only fail at the first delivery, as a 500.
const handlerSchema = callableSchema("must be a function");

function headerValue(source: HeadersLike, name: string): string | null {
  if (source instanceof Request) return source.headers.get(name);
  if (source instanceof Headers) return source.get(name);
  // `name` is lower case, as Node's IncomingMessage.headers keys are.
  const raw = source[name];
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
  // Stryker disable next-line ArrayDeclaration: a stray element would throw when called, and reportError swallows what a reporter throws
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

  const runHandlers = async (event: XenditEvent) => {
    const list = handlers.get(event.event) ?? [];
    try {
      for (const handler of list) await handler(event);
    } catch (error) {
      // Marked as the app's failure (500 HANDLER_FAILED), not the store's (INTERNAL_ERROR).
      throw new WebhookHandlerError(error);
    }
    return { handlers: list.length };
  };

  /**
   * The one path every event takes, from `receive()` and from `handler`:
   * claim the key, run the handlers once, and tell `onError` about anything
   * that failed here. A concurrent duplicate (409) and a changed payload (422)
   * are Xendit's retries, not failures, so they are not reported.
   */
  async function receiveKnown(
    event: XenditEvent,
    key: string,
  ): Promise<WebhookOutcome<{ handlers: number }>> {
    try {
      return await processor.run(key, fingerprintOf(event), () => runHandlers(event));
    } catch (error) {
      if (
        !(error instanceof IdempotencyInProgressError) &&
        !(error instanceof IdempotencyPayloadMismatchError)
      ) {
        const cause = error instanceof WebhookHandlerError ? error.cause : error;
        await reportError(cause, { event: event.event, key });
      }
      throw error;
    }
  }

  // Unknown events are acknowledged without a claim: reporting them again on a
  // redelivery is harmless, and a key for an event without a schema would be a guess.
  async function receiveUnknown(unknown: UnknownXenditEvent) {
    for (const unknownHandler of unknownHandlers) {
      try {
        await unknownHandler(unknown);
      } catch (error) {
        await reportError(error, {});
      }
    }
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: the answer to an unknown event (respond below) reads neither field
    return { result: { handlers: unknownHandlers.length }, replayed: false };
  }

  async function receive(input: XenditEvent): Promise<ReceiveResult> {
    // Events from elsewhere (a queue, a test) get the same check a delivery gets before a handler sees them.
    const event = parseXenditEvent(input);
    const key = dedupeKeyOf(event);
    try {
      const { replayed } = await receiveKnown(event, key);
      return { key, replayed };
    } catch (error) {
      // A caller of receive() sees what its handler threw, as it would calling it directly.
      throw error instanceof WebhookHandlerError ? error.cause : error;
    }
  }

  const verify = (request: HeadersLike): boolean =>
    matchesAnyToken(headerValue(request, CALLBACK_TOKEN_HEADER), tokens);

  // verify -> parse once -> the same receive path as receive(); onError is told
  // inside that path, so the endpoint passes no onError of its own: what fails
  // before it (token, body, JSON, shape) is the sender's problem, answered 401/400.
  const handler = createWebhookProcessor<ParsedWebhook, { handlers: number }>({
    maxBodyBytes: config.maxBodyBytes,
    verify,
    unauthorizedMessage:
      "Missing or wrong x-callback-token; compare it with the Webhook verification token in the Xendit dashboard",
    parse: (body) => parseXenditWebhook(body),
    // Unknown events are acknowledged without a claim (see receiveUnknown).
    key: (parsed) => (parsed.kind === "known" ? dedupeKeyOf(parsed.event) : null),
    // `key` is null exactly for unknown events (see above).
    receive: (parsed, key) =>
      parsed.kind === "unknown"
        ? receiveUnknown(parsed.unknown)
        : receiveKnown(
            parsed.event,
            // Stryker disable next-line LogicalOperator: a known event's key is never null, so `??` and `&&` both give it
            key ?? dedupeKeyOf(parsed.event),
          ),
    respond: ({ event: parsed, key, replayed }) =>
      parsed.kind === "known"
        ? Response.json({ ok: true, event: parsed.event.event, key, replayed })
        : Response.json({ ok: true, unknown: true, event: parsed.unknown.event }),
  });

  return {
    verify,
    on(event, handler) {
      if (!(XENDIT_EVENT_NAMES as readonly string[]).includes(event)) {
        throw new InvalidArgumentError(
          `Unknown Xendit event ${JSON.stringify(event)}; known: ${XENDIT_EVENT_NAMES.join(", ")}. Use onUnknown for others.`,
        );
      }
      const list = handlers.get(event) ?? [];
      parseInput(handlerSchema, handler, `handler for ${event}`);
      list.push(handler as (event: XenditEvent) => unknown);
      handlers.set(event, list);
    },
    onUnknown(handler) {
      parseInput(handlerSchema, handler, "onUnknown handler");
      unknownHandlers.push(handler);
    },
    onError(handler) {
      parseInput(handlerSchema, handler, "onError handler");
      errorHandlers.push(handler);
    },
    receive,
    handler,
  };
}
