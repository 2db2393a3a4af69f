import {
  type Clock,
  createIdempotentProcessor,
  type IdempotencyStore,
  InvalidArgumentError,
  parseInput,
  WebhookHandlerError,
} from "@lunas/core";
import { callableSchema, clockSchema, idempotencyStoreSchema } from "@lunas/core/validation";
import { z } from "zod";
import {
  createXenditEndpoint,
  endpointOptionShape,
  type HeadersLike,
  type ReceiveResult,
  type WebhookErrorContext,
} from "./xendit-endpoint.js";
import {
  fingerprintOf,
  type UnknownXenditEvent,
  XENDIT_EVENT_NAMES,
  type XenditEvent,
  type XenditEventName,
  type XenditEventOf,
} from "./xendit-events.js";

export type { HeadersLike, ReceiveResult, WebhookErrorContext } from "./xendit-endpoint.js";

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

// Strict: a misspelt `leaseMs` or `maxBodyBytes` would otherwise fall back to the default unnoticed.
const optionsSchema = z.strictObject({
  ...endpointOptionShape,
  store: idempotencyStoreSchema,
  clock: clockSchema.optional(),
  leaseMs: z.number().int().positive().default(60_000),
});

// A handler that is not a function would only fail at the first delivery, as a 500.
const handlerSchema = callableSchema("must be a function");

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

  const endpoint = createXenditEndpoint({
    verificationTokens: config.verificationTokens,
    maxBodyBytes: config.maxBodyBytes,
    runOnce: (event, key) => processor.run(key, fingerprintOf(event), () => runHandlers(event)),
    unknownHandlers,
    reportError,
  });

  const { verify, handler } = endpoint;
  const receive = async (event: XenditEvent): Promise<ReceiveResult> => {
    const { key, replayed } = await endpoint.receive(event);
    return { key, replayed };
  };

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
