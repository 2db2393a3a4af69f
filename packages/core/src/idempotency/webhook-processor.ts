import { z } from "zod";
import { LunasError } from "../errors/lunas-error.js";
import { parseInput } from "../errors/parse-input.js";
import { callableSchema, portSchema } from "../input/injected-schemas.js";
import {
  IdempotencyInProgressError,
  IdempotencyLeaseLostError,
  IdempotencyPayloadMismatchError,
} from "./idempotency-errors.js";
import { checkIdempotencyKey } from "./idempotency-key.js";
import type { IdempotentProcessor } from "./idempotent-processor.js";

/** Where a delivery failed, for `onError`. */
export type WebhookStage = "verify" | "read" | "parse" | "claim" | "handle";

/**
 * What `onError` is told besides the error: the stage, and the event and its
 * key once `parse` and `key` gave them. Never the body or a secret.
 */
export interface WebhookErrorContext<E> {
  stage: WebhookStage;
  request: Request;
  event?: E;
  key?: string | null;
}

/** What a delivery's `receive` answers: the handlers' result, and whether the key had been processed before. */
export interface WebhookOutcome<R> {
  result: R;
  replayed: boolean;
}

/**
 * Thrown by a `receive` when the app's own handler failed (500 HANDLER_FAILED,
 * the provider retries), as opposed to the store (500 INTERNAL_ERROR). `cause`
 * is what the handler threw; `onError` is given that, not this wrapper.
 */
export class WebhookHandlerError extends LunasError {
  constructor(cause: unknown) {
    super("HANDLER_FAILED", "A webhook handler failed", { cause });
  }
}

interface WebhookCommonOptions<E, R> {
  /** Is this request really from the provider? `false` (or a throw) answers 401. Gets a clone, so it may read the body. */
  verify: (request: Request) => boolean | Promise<boolean>;
  /**
   * Turns the JSON body into a typed event; any throw answers 400. The 400's
   * message is a `LunasError`'s or `ZodError`'s (say what was wrong, never a
   * secret); other throws get a generic one.
   */
  parse: (body: unknown, request: Request) => E;
  /**
   * The event's idempotency key (the provider's event or payment id). `null`
   * acknowledges the event without deduplication: `handle` runs on every
   * delivery, nothing is claimed or stored, and the outcome is `replayed: false`.
   * Only for events whose handling is harmless to repeat, such as reporting an
   * event type you do not process.
   */
  key: (event: E) => string | null;
  /** The 2xx answer. Default 200 `{"ok": true, "replayed": ...}`. */
  respond?: (outcome: { result: R; replayed: boolean; event: E; key: string | null }) => Response;
  /** Larger bodies answer 413 unread. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Sees every error behind a non-2xx answer (for logging); cannot change the answer. */
  onError?: (error: unknown, context: WebhookErrorContext<E>) => void;
  /** The 401's message: tell the operator where the expected secret is configured. Never put the secret in it. */
  unauthorizedMessage?: string;
}

/** The processor deduplicates: `handle` runs once per key. */
export interface KeyedWebhookOptions<E, R> extends WebhookCommonOptions<E, R> {
  processor: IdempotentProcessor;
  /**
   * What identifies the event's content: a redelivery of a key whose fingerprint
   * differs answers 422. Default: the parsed JSON body. Give the event's defining
   * fields when the provider changes others (an envelope timestamp) between retries.
   */
  fingerprint?: (event: E, body: unknown) => unknown;
  /** The effect, run once per key. */
  handle: (event: E) => Promise<R>;
}

/**
 * The caller deduplicates: `receive` is the same function its users call for
 * events that did not come over HTTP (octokit's `receive`), so both take one
 * path. It throws `WebhookHandlerError` when the app's handler failed.
 */
export interface ReceivingWebhookOptions<E, R> extends WebhookCommonOptions<E, R> {
  receive: (event: E, key: string | null) => Promise<WebhookOutcome<R>>;
}

export type WebhookProcessorOptions<E, R> =
  | KeyedWebhookOptions<E, R>
  | ReceivingWebhookOptions<E, R>;

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const commonShape = {
  verify: callableSchema(),
  parse: callableSchema(),
  key: callableSchema(),
  respond: callableSchema().optional(),
  maxBodyBytes: z.number().int().positive().default(DEFAULT_MAX_BODY_BYTES),
  onError: callableSchema().optional(),
  unauthorizedMessage: z
    .string()
    .min(1, "must not be empty")
    .default("The webhook could not be verified"),
};
// Strict: a misspelt `fingerprint` would quietly fall back to fingerprinting the whole body.
const optionsSchema = z.union([
  z.strictObject({
    ...commonShape,
    processor: portSchema<IdempotentProcessor>("IdempotentProcessor", ["run"]),
    fingerprint: callableSchema().optional(),
    handle: callableSchema(),
  }),
  z.strictObject({ ...commonShape, receive: callableSchema() }),
]);

function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json({ error: { code, message } }, { status, headers });
}

class BodyTooLargeError extends Error {}

/** Reads at most `limit` bytes; throws `BodyTooLargeError` past that without reading the rest. */
async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError();
  if (request.body === null) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Not awaited: a cloned request's stream only settles a cancel once
      // every branch is cancelled, and the clone given to verify may never be.
      reader.cancel().catch(() => {});
      throw new BodyTooLargeError();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * A 400 message that names what was wrong without echoing the body. A
 * `LunasError`'s message is written for callers and never carries a secret;
 * anything else (a TypeError from a hand-written parser) may, so it stays generic.
 */
function invalidPayloadMessage(error: unknown): string {
  if (error instanceof LunasError) return error.message;
  if (error instanceof z.ZodError) {
    const issues = error.issues.map(
      (issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`,
    );
    return `Invalid event: ${issues.join("; ")}`;
  }
  return "The request body is not a valid event";
}

/** The keyed options as a `receive`: `handle` once per key through the processor (or every time for a `null` key). */
function keyedReceive<E, R>(
  options: KeyedWebhookOptions<E, R>,
): (event: E, key: string | null, body: unknown) => Promise<WebhookOutcome<R>> {
  const { processor, fingerprint, handle } = options;
  return async (event, key, body) => {
    const handleOnce = async () => {
      try {
        return await handle(event);
      } catch (error) {
        throw new WebhookHandlerError(error);
      }
    };
    if (key === null) return { result: await handleOnce(), replayed: false };
    return processor.run(key, fingerprint ? fingerprint(event, body) : body, handleOnce);
  };
}

/**
 * A webhook endpoint on Web standards (`Request` -> `Response`, any runtime):
 * method check -> `verify` -> bounded body read -> JSON -> `parse` -> `key` ->
 * the idempotent `handle` (or, for a `null` key, `handle` alone), or the
 * caller's own `receive`. Nothing is stored before the request is verified and parsed. Error answers are `{"error": {"code", "message"}}`: 405, 401,
 * 413, 400 INVALID_PAYLOAD, 409 IDEMPOTENCY_IN_PROGRESS (with Retry-After) or
 * IDEMPOTENCY_LEASE_LOST, 422 IDEMPOTENCY_PAYLOAD_MISMATCH, 500 HANDLER_FAILED
 * (the claim is released, so the provider's retry runs it again) or INTERNAL_ERROR.
 */
export function createWebhookProcessor<E, R>(
  options: WebhookProcessorOptions<E, R>,
): (request: Request) => Promise<Response> {
  const { maxBodyBytes, unauthorizedMessage } = parseInput(
    optionsSchema,
    options,
    "webhook processor options",
  );
  const { verify, parse, key, respond, onError } = options;
  const receive =
    "receive" in options
      ? (event: E, eventKey: string | null) => options.receive(event, eventKey)
      : keyedReceive(options);

  const report = (error: unknown, context: WebhookErrorContext<E>) => {
    try {
      // Stryker disable next-line OptionalChaining: without onError the TypeError lands in the catch below
      onError?.(error, context);
    } catch {
      // A failing logger must not change the provider's answer.
    }
  };

  return async (request) => {
    if (request.method !== "POST") {
      return errorResponse(405, "METHOD_NOT_ALLOWED", "Send webhooks with POST", {
        Allow: "POST",
      });
    }

    let verified: boolean;
    try {
      verified = (await verify(request.clone())) === true;
    } catch (error) {
      report(error, { stage: "verify", request });
      verified = false;
    }
    if (!verified) {
      return errorResponse(401, "UNAUTHORIZED", unauthorizedMessage);
    }

    let bytes: Uint8Array;
    try {
      bytes = await readBody(request, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return errorResponse(
          413,
          "PAYLOAD_TOO_LARGE",
          `The body is larger than ${maxBodyBytes} bytes`,
        );
      }
      report(error, { stage: "read", request });
      return errorResponse(400, "INVALID_PAYLOAD", "The body could not be read");
    }

    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch (error) {
      report(error, { stage: "parse", request });
      return errorResponse(400, "INVALID_PAYLOAD", "The body is not valid JSON");
    }

    let event: E;
    let eventKey: string | null;
    // Set once parse succeeded, so a bad key is reported with its event.
    let parsed: { event: E } | undefined;
    try {
      event = parse(body, request);
      parsed = { event };
      eventKey = key(event);
      if (eventKey !== null) checkIdempotencyKey(eventKey);
    } catch (error) {
      report(error, { stage: "parse", request, ...parsed });
      return errorResponse(400, "INVALID_PAYLOAD", invalidPayloadMessage(error));
    }

    try {
      const outcome = await receive(event, eventKey, body);
      return respond
        ? respond({ ...outcome, event, key: eventKey })
        : Response.json({ ok: true, replayed: outcome.replayed });
    } catch (error) {
      if (error instanceof WebhookHandlerError) {
        report(error.cause, { stage: "handle", request, event, key: eventKey });
        return errorResponse(
          500,
          "HANDLER_FAILED",
          "The event could not be processed; retry later",
        );
      }
      report(error, { stage: "claim", request, event, key: eventKey });
      if (error instanceof IdempotencyInProgressError) {
        return errorResponse(409, error.code, "This event is being processed; retry later", {
          "Retry-After": String(error.retryAfterSeconds),
        });
      }
      if (error instanceof IdempotencyLeaseLostError) {
        return errorResponse(
          409,
          error.code,
          "This event was taken over by another delivery; retry later",
        );
      }
      if (error instanceof IdempotencyPayloadMismatchError) {
        return errorResponse(
          422,
          error.code,
          "This event id was already received with a different payload",
        );
      }
      return errorResponse(500, "INTERNAL_ERROR", "The event could not be recorded; retry later");
    }
  };
}
