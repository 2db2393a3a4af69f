import {
  createIdempotentProcessor,
  encodeSecrets,
  IdempotencyInProgressError,
  IdempotencyPayloadMismatchError,
  type Job,
  type JobQueue,
  matchesAnySecret,
  parseInput,
} from "@lunas/core";
import { z } from "zod";
import { splitReply } from "../format/split-reply.js";
import { markdownToWhatsApp } from "../format/whatsapp-markdown.js";
import { normalizeIndonesianPhone, toIndonesianMobile } from "../phone/indonesian-phone.js";
import {
  type FonnteIncomingMessage,
  type ParsedFonnteWebhook,
  readFonnteWebhook,
} from "../webhook/fonnte-webhook.js";
import { answerLane, answerLaneNames } from "./answer-lanes.js";
import { type BridgeEvent, errorCode, maskPhone } from "./bridge-events.js";
import { BridgeCounters, type BridgeMetrics, type RejectionReason } from "./bridge-metrics.js";
import {
  bridgeOptionsSchema,
  DEFAULT_MESSAGES,
  type WhatsAppAiBridgeOptions,
} from "./bridge-options.js";
import { type AcceptedMessage, MessageAnswerer } from "./message-answerer.js";
import { type PendingReply, ReplyDelivery } from "./reply-delivery.js";
import { SenderSequencer } from "./sender-sequencer.js";

/** How the webhook answered a delivery (the JSON body's `status`). */
export type WebhookOutcome =
  | "accepted"
  | "duplicate"
  | "ignored"
  | "rate_limited"
  | "unknown_sender"
  | "invalid_sender";

export interface BridgeHealth {
  /** False after 5 AI failures in a row. */
  ok: boolean;
  inFlight: number;
  /** Senders with messages being answered or waiting their turn. */
  busySenders: number;
  consecutiveAiFailures: number;
}

export interface WhatsAppAiBridge {
  /** The webhook: Fonnte's POST in, a 2xx as soon as the message is durably claimed. */
  (request: Request): Promise<Response>;
  /**
   * Registers this process's workers on the job queue (start the queue
   * first): the answer lanes and the failed-send retries. Call it in the
   * processes that should answer; a process that only takes webhooks may skip it.
   */
  start(): Promise<void>;
  /**
   * Resolves when every message this bridge accepted has been answered, by
   * this process (tests, graceful shutdown). A queued message counts once its
   * job ran here (a job that failed is the queue's to retry).
   */
  idle(): Promise<void>;
  metrics(): Promise<BridgeMetrics>;
  health(): BridgeHealth;
  /**
   * Sends `message` (Markdown) to `target` as the bridge sends replies:
   * formatted, split, failed parts queued. For a manual send endpoint.
   */
  send(input: {
    target: string;
    message: string;
  }): Promise<{ parts: number; sent: number; queued: boolean }>;
}

const manualSendSchema = z.strictObject({
  target: z.string().min(1),
  message: z.string().min(1).max(60_000),
});

const JSON_HEADERS = { "content-type": "application/json" };
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
// Every delivery gets one of these few bodies: serialised once, not per message.
const OK_BODIES = new Map<WebhookOutcome, string>();
const OK_INIT = { status: 200, headers: JSON_HEADERS };
const ok = (status: WebhookOutcome) => {
  let body = OK_BODIES.get(status);
  if (body === undefined) {
    body = JSON.stringify({ ok: true, status });
    OK_BODIES.set(status, body);
  }
  return new Response(body, OK_INIT);
};
const fail = (status: number, code: string, message: string) =>
  json(status, { error: { code, message } });

/**
 * The WhatsApp ⇄ AI bridge as a Web-standard handler. Per delivery: shared
 * secret (constant time) and IP allow-list → read and validate the body →
 * normalise the sender → rate limit → identity gate → claim the `inboxid` →
 * queue the message (with a job queue) → answer 200. Then, in order per
 * sender, from the queue's answer lanes (or in this process without a queue):
 * history → the app's context → AI → history → WhatsApp formatting → split →
 * send, failed sends retried through the job queue.
 *
 * Fonnte retries a webhook that does not answer 200, so everything that is
 * not a bad secret, a forbidden IP or a broken body answers 200 with what
 * happened in `status`.
 */
export function createWhatsAppAiBridge(options: WhatsAppAiBridgeOptions): WhatsAppAiBridge {
  const o = parseInput(bridgeOptionsSchema, options, "WhatsApp AI bridge options");
  const messages = { ...DEFAULT_MESSAGES, ...o.messages };
  const secrets = encodeSecrets(o.secrets);
  const allowedIps = o.allowedIps ? new Set(o.allowedIps) : null;
  const counters = new BridgeCounters();
  // Two lanes per sender: the gate (rate limit, identity, claim) and the answer.
  // A message passes its gate in arrival order and joins the answer lane before
  // its webhook is acknowledged, so answers follow arrival order even when the
  // gate's queries of two messages would otherwise overtake each other.
  const gates = new SenderSequencer();
  const sequencer = new SenderSequencer();
  const processor = createIdempotentProcessor({
    store: o.dedupe,
    leaseMs: o.dedupeLeaseMs,
    clock: o.clock,
  });
  const answerClaims = createIdempotentProcessor({
    store: o.dedupe,
    leaseMs: o.answerLeaseMs ?? o.answerTimeoutMs + 30_000,
    clock: o.clock,
  });
  const sendClaims = createIdempotentProcessor({
    store: o.dedupe,
    leaseMs: o.sendLeaseMs,
    clock: o.clock,
  });
  const emit = (event: BridgeEvent) => {
    try {
      o.onEvent?.(event);
    } catch {
      // A logger that throws must not take a message down with it.
    }
  };
  const delivery = new ReplyDelivery({
    sender: o.sender,
    queue: o.queue,
    queueName: o.sendQueueName,
    retryLimit: o.sendRetryLimit,
    retryDelaySeconds: o.sendRetryDelaySeconds,
    counters,
    emit,
    sendClaims,
  });
  const answerer = new MessageAnswerer({
    ai: o.ai,
    sessions: o.sessions,
    delivery,
    counters,
    messages,
    systemPrompt: o.systemPrompt,
    context: o.context,
    maxMessageChars: o.maxMessageChars,
    maxReplyChars: o.maxReplyChars,
    quoteReplies: o.quoteReplies,
    answerTimeoutMs: o.answerTimeoutMs,
    now: () => o.clock.now(),
    emit,
    answerClaims,
  });
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const settled = work.then(
      () => {},
      (error) =>
        emit({ type: "bridge.error", code: errorCode(error), message: "background work failed" }),
    );
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
  };

  const reject = (reason: RejectionReason, sender?: string) => {
    counters.reject(reason);
    emit({ type: "message.rejected", reason, ...(sender ? { sender: maskPhone(sender) } : {}) });
  };

  /** Sends a fixed text in the background (notices need no order and no answer). */
  const notify = (target: string, text: string) => {
    track(delivery.deliver({ target, parts: [text] }));
  };

  const authorized = (request: Request): boolean => {
    const url = new URL(request.url);
    const given = request.headers.get("x-webhook-secret") ?? url.searchParams.get("secret");
    return matchesAnySecret(given, secrets);
  };

  async function readBody(request: Request): Promise<unknown> {
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > o.maxBodyBytes) throw new Error("too large");
    const text = await request.text();
    if (text.length > o.maxBodyBytes) throw new Error("too large");
    const type = request.headers.get("content-type") ?? "";
    // Fonnte posts JSON; a form post (older setups, proxies) carries the same fields.
    if (type.includes("application/x-www-form-urlencoded")) {
      return Object.fromEntries(new URLSearchParams(text));
    }
    return JSON.parse(text);
  }

  /** Queues the answer behind the sender's earlier messages. */
  const answerInOrder = (message: AcceptedMessage) => {
    counters.inFlight++;
    return sequencer
      .run(message.phone, () => answerer.answer(message))
      .finally(() => {
        counters.inFlight--;
      });
  };

  // Queued answers this process waits for in idle(): job id → settle. A job can
  // run before its enqueue call returns the id; such ids wait in `ranEarly`.
  const awaitingJobs = new Map<string, () => void>();
  const ranEarly = new Set<string>();
  let enqueuing = 0;
  let lanesWorked = false;

  async function enqueueAnswer(queue: JobQueue, message: AcceptedMessage): Promise<void> {
    enqueuing++;
    try {
      const id = await queue.enqueue(
        answerLane(o.answerQueueName, o.answerLanes, message.phone),
        message,
        {
          retryLimit: o.answerRetryLimit,
          retryDelaySeconds: o.answerRetryDelaySeconds,
          retryBackoff: true,
        },
      );
      if (id !== null && lanesWorked && !ranEarly.delete(id)) {
        track(new Promise<void>((resolve) => awaitingJobs.set(id, resolve)));
      }
    } finally {
      enqueuing--;
      if (enqueuing === 0) ranEarly.clear();
    }
  }

  /** A lane's worker: the queued message answered, its reply sent once per part. */
  async function answerJob(job: Job<AcceptedMessage>): Promise<void> {
    counters.inFlight++;
    try {
      // One lane runs one job at a time already; the sequencer keeps
      // busySenders in health() meaningful.
      await sequencer.run(job.data.phone, () =>
        answerer.answerQueued(job.data, job.data.inboxId ?? job.id),
      );
    } finally {
      counters.inFlight--;
      const settle = awaitingJobs.get(job.id);
      if (settle) {
        awaitingJobs.delete(job.id);
        settle();
      } else if (enqueuing > 0) {
        ranEarly.add(job.id);
      }
    }
  }

  /**
   * Claims the message's `inboxid` on core's idempotent processor. With a job
   * queue the claim holds while the message is queued and is completed then;
   * without one it holds until the answer has been sent, and the webhook is
   * answered as soon as the claim is held.
   */
  async function claimAndAnswer(message: AcceptedMessage): Promise<WebhookOutcome> {
    const queue = o.queue;
    if (message.inboxId === null) {
      // Without Fonnte's inbox feature there is no id to dedupe on.
      if (queue) await enqueueAnswer(queue, message);
      else track(answerInOrder(message));
      return "accepted";
    }
    const outcome = queue
      ? await claimAndQueue(queue, message, message.inboxId)
      : await claimAndAnswerHere(message, message.inboxId);
    if (outcome === "duplicate") {
      counters.duplicates++;
      emit({
        type: "message.duplicate",
        sender: maskPhone(message.phone),
        inboxId: message.inboxId,
      });
    }
    return outcome;
  }

  const asDuplicate = (error: unknown): "duplicate" => {
    if (
      error instanceof IdempotencyInProgressError ||
      error instanceof IdempotencyPayloadMismatchError
    ) {
      return "duplicate";
    }
    throw error;
  };

  async function claimAndQueue(
    queue: JobQueue,
    message: AcceptedMessage,
    inboxId: string,
  ): Promise<WebhookOutcome> {
    try {
      const { replayed } = await processor.run(
        `fonnte-ai:inbox:${inboxId}`,
        { sender: message.phone, text: message.text },
        async () => {
          await enqueueAnswer(queue, message);
          return { queued: true };
        },
      );
      return replayed ? "duplicate" : "accepted";
    } catch (error) {
      return asDuplicate(error);
    }
  }

  async function claimAndAnswerHere(
    message: AcceptedMessage,
    inboxId: string,
  ): Promise<WebhookOutcome> {
    let claimed!: () => void;
    const held = new Promise<"accepted">((resolve) => {
      claimed = () => resolve("accepted");
    });
    const run = processor.run(
      `fonnte-ai:inbox:${inboxId}`,
      { sender: message.phone, text: message.text },
      async () => {
        claimed();
        await answerInOrder(message);
        return { answered: true };
      },
    );
    const settled = run.then(
      (outcome) => (outcome.replayed ? ("duplicate" as const) : ("accepted" as const)),
      asDuplicate,
    );
    track(settled);
    return Promise.race([held, settled]);
  }

  async function receive(incoming: FonnteIncomingMessage): Promise<Response> {
    counters.messagesIn++;
    // In a group the person is the member; the reply goes to the group.
    const who = incoming.isGroup ? (incoming.member ?? "") : incoming.sender;
    const phone = toIndonesianMobile(who);
    if (phone === null) {
      reject("invalid_sender");
      return ok("invalid_sender");
    }
    const now = o.clock.now();
    const limit = await o.rateLimiter.hit(`message:${phone}`, o.rateLimit, now);
    if (!limit.allowed) {
      counters.rateLimited++;
      emit({ type: "message.rate_limited", sender: maskPhone(phone), hits: limit.hits });
      // Told once, on the first message over the limit, not on every one after it.
      if (limit.hits === o.rateLimit.limit + 1) notify(phone, messages.rateLimited);
      return ok("rate_limited");
    }
    const identity = await o.identity.resolve(phone);
    if (!identity?.approved) {
      reject("unknown_sender", phone);
      const notice = await o.rateLimiter.hit(
        `unknown-sender:${phone}`,
        { limit: 1, windowMs: o.unknownSenderWindowMs },
        now,
      );
      if (notice.allowed) notify(phone, messages.unknownSender);
      return ok("unknown_sender");
    }
    if (incoming.message.trim() === "") {
      reject("empty", phone);
      return ok("ignored");
    }
    const outcome = await claimAndAnswer({
      phone,
      userId: identity.userId,
      target: incoming.isGroup ? incoming.sender : phone,
      text: incoming.message,
      inboxId: incoming.inboxId,
    });
    if (outcome === "accepted") {
      emit({ type: "message.accepted", sender: maskPhone(phone), inboxId: incoming.inboxId });
    }
    return ok(outcome);
  }

  async function handle(request: Request): Promise<Response> {
    if (request.method !== "POST") {
      return fail(405, "METHOD_NOT_ALLOWED", "The webhook takes POST");
    }
    if (allowedIps) {
      const ip = o.clientIp?.(request);
      if (!ip || !allowedIps.has(ip)) {
        reject("forbidden_ip");
        return fail(403, "FORBIDDEN", "This address may not call the webhook");
      }
    }
    if (!authorized(request)) {
      reject("unauthorized");
      return fail(401, "UNAUTHORIZED", "Missing or wrong webhook secret");
    }
    let parsed: ParsedFonnteWebhook;
    try {
      parsed = readFonnteWebhook(await readBody(request), o.allowGroups);
    } catch (error) {
      reject("invalid_payload");
      const detail =
        (error as { code?: unknown }).code === "INVALID_ARGUMENT"
          ? (error as Error).message
          : "The body is not a Fonnte webhook (JSON, at most the allowed size)";
      return fail(400, "INVALID_PAYLOAD", detail);
    }
    if (parsed.kind === "ignored") {
      counters.ignoredGroups++;
      return ok("ignored");
    }
    try {
      const incoming = parsed.message;
      return await gates.run(
        incoming.isGroup ? `${incoming.sender}/${incoming.member}` : incoming.sender,
        () => receive(incoming),
      );
    } catch (error) {
      // A store that failed: Fonnte retries non-200 answers, which is what we want now.
      emit({
        type: "bridge.error",
        code: errorCode(error),
        message: "could not record the message",
      });
      return fail(500, "INTERNAL_ERROR", "The message could not be recorded; it will be retried");
    }
  }

  const bridge = Object.assign(handle, {
    async start() {
      if (!o.queue) return;
      for (const lane of answerLaneNames(o.answerQueueName, o.answerLanes)) {
        await o.queue.work<AcceptedMessage>(lane, answerJob);
      }
      lanesWorked = true;
      await o.queue.work<PendingReply>(o.sendQueueName, async (job) => {
        emit({
          type: "send.retried",
          target: maskPhone(job.data.target),
          parts: job.data.parts.length,
        });
        await delivery.retry(job.data);
      });
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      await sequencer.idle();
    },
    async metrics() {
      return counters.snapshot(await o.sessions.countActive(o.clock.now()));
    },
    health(): BridgeHealth {
      return {
        ok: counters.consecutiveAiFailures < 5,
        inFlight: counters.inFlight,
        busySenders: sequencer.activeKeys,
        consecutiveAiFailures: counters.consecutiveAiFailures,
      };
    },
    async send(input: { target: string; message: string }) {
      const checked = parseInput(manualSendSchema, input, "send input");
      const target = normalizeIndonesianPhone(checked.target);
      const parts = splitReply(markdownToWhatsApp(checked.message), o.maxReplyChars);
      const result = await delivery.deliver({ target, parts });
      return { parts: parts.length, ...result };
    },
  });
  return bridge;
}
