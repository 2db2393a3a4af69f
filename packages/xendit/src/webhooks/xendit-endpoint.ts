import {
  createWebhookProcessor,
  IdempotencyInProgressError,
  IdempotencyPayloadMismatchError,
  WebhookHandlerError,
  type WebhookOutcome,
} from "@lunas/core";
import { z } from "zod";
import { CALLBACK_TOKEN_HEADER, encodeTokens, matchesAnyToken } from "./callback-token.js";
import { parseXenditEvent } from "./xendit-event-schema.js";
import {
  dedupeKeyOf,
  type ParsedWebhook,
  parseXenditWebhook,
  type UnknownXenditEvent,
  type XenditEvent,
  type XenditEventName,
} from "./xendit-events.js";

const DAY_MS = 24 * 60 * 60 * 1000;

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

const TOKENS_EXPECTED =
  "expected the callback verification token: a string, or an array of one or two";
const token = z.string({ error: TOKENS_EXPECTED }).min(1, "a verification token cannot be empty");

/**
 * The option fields every Xendit webhook endpoint takes, whatever path runs
 * its events (the lease path or one database transaction).
 */
export const endpointOptionShape = {
  // One string is the one token (not its characters); an array holds one, or two during a rotation.
  verificationTokens: z.preprocess(
    (value) => (typeof value === "string" ? [value] : value),
    z
      .array(token, { error: TOKENS_EXPECTED })
      .min(1, "give the account's callback verification token")
      .max(2, "at most two tokens (old and new) during a rotation"),
  ),
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
};

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

export interface XenditEndpointConfig<R> {
  verificationTokens: readonly string[];
  maxBodyBytes: number;
  /**
   * Runs a known event once per key: answers its outcome, or throws
   * `WebhookHandlerError` (the app's code failed: 500 HANDLER_FAILED) or an
   * idempotency error (409 / 422) or anything else (500 INTERNAL_ERROR).
   */
  runOnce: (event: XenditEvent, key: string) => Promise<WebhookOutcome<R>>;
  /**
   * Called in order for well-formed events without a schema here; a throw is
   * reported, not answered. Read at each delivery, so handlers added later count.
   */
  unknownHandlers: readonly ((event: UnknownXenditEvent) => unknown)[];
  /** Told about every failure the endpoint or `receive` sees past parsing; must not throw. */
  reportError: (error: unknown, context: WebhookErrorContext) => Promise<void>;
}

export interface XenditEndpoint<R> {
  verify(request: HeadersLike): boolean;
  receive(event: XenditEvent): Promise<ReceiveResult & { result: R }>;
  handler(request: Request): Promise<Response>;
}

/**
 * The one verify → read → parse → dedupe path every Xendit webhook endpoint
 * of this package takes, on core's `createWebhookProcessor`; only `runOnce`
 * (what processing an event once means) differs between them.
 */
export function createXenditEndpoint<R>(config: XenditEndpointConfig<R>): XenditEndpoint<R> {
  const tokens = encodeTokens(config.verificationTokens);
  const { runOnce, unknownHandlers, reportError } = config;

  /**
   * The one path every known event takes, from `receive()` and from `handler`.
   * A concurrent duplicate (409) and a changed payload (422) are Xendit's
   * retries, not failures, so they are not reported.
   */
  async function receiveKnown(event: XenditEvent, key: string): Promise<WebhookOutcome<R>> {
    try {
      return await runOnce(event, key);
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
    return { result: null, replayed: false };
  }

  async function receive(input: XenditEvent) {
    // Events from elsewhere (a queue, a test) get the same check a delivery gets before a handler sees them.
    const event = parseXenditEvent(input);
    const key = dedupeKeyOf(event);
    try {
      const { result, replayed } = await receiveKnown(event, key);
      return { key, replayed, result };
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
  const handler = createWebhookProcessor<ParsedWebhook, R | null>({
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

  return { verify, receive, handler };
}
