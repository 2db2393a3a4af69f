import type { IdempotentProcessor, JobQueue } from "@lunas/core";
import type { WhatsAppSender } from "../fonnte/whatsapp-sender.js";
import { type BridgeEvent, errorCode, maskPhone } from "./bridge-events.js";
import type { BridgeCounters } from "./bridge-metrics.js";

/** A job of the send queue: the parts of one reply not yet sent, in order. */
export interface PendingReply {
  target: string;
  parts: string[];
  inboxid?: string;
  /**
   * Set for a reply answered from the job queue: each part is sent under the
   * claim `fonnte-ai:reply:<replyKey>:<index>`, so a retried job skips what
   * went out before it. Fonnte's API takes no idempotency key of its own.
   */
  replyKey?: string;
  /** Index of `parts[0]` in the whole reply (the claims count from the first part). Default 0. */
  firstPart?: number;
}

// Failures that repeat whatever the retry: the message or the number is wrong.
const PERMANENT = new Set(["FONNTE_TARGET_INVALID", "FONNTE_INPUT_INVALID", "FONNTE_URL_INVALID"]);

export interface ReplyDeliveryOptions {
  sender: WhatsAppSender;
  queue: JobQueue | undefined;
  queueName: string;
  retryLimit: number;
  retryDelaySeconds: number;
  counters: BridgeCounters;
  emit: (event: BridgeEvent) => void;
  /** Claims one send of a keyed reply (core's processor over the bridge's dedupe store). */
  sendClaims: IdempotentProcessor;
}

/**
 * Sends the parts of a reply in order. When Fonnte does not take a part, that
 * part and the ones after it go to the job queue as one job, so they still
 * arrive in order; the job's worker sends what it can and re-queues the rest.
 * Nothing here throws: a reply that cannot be sent or queued is counted and
 * reported.
 */
export class ReplyDelivery {
  readonly #o: ReplyDeliveryOptions;

  constructor(options: ReplyDeliveryOptions) {
    this.#o = options;
  }

  /** Sends now; returns how many parts were sent and whether the rest was queued. */
  async deliver(reply: PendingReply): Promise<{ sent: number; queued: boolean }> {
    const { sent, failure } = await this.#sendInOrder(reply);
    if (!failure) return { sent, queued: false };
    const queued = await this.#queueRest(reply, sent, failure);
    return { sent, queued };
  }

  /** The job handler: throws when the first part still fails, so the queue retries with backoff. */
  async retry(reply: PendingReply): Promise<void> {
    const { sent, failure } = await this.#sendInOrder(reply);
    if (!failure) return;
    if (sent === 0) throw failure;
    // Part of it went out: queue only the rest, or a retry would repeat the sent parts.
    await this.#queueRest(reply, sent, failure);
  }

  async #sendInOrder(reply: PendingReply): Promise<{ sent: number; failure?: unknown }> {
    let sent = 0;
    const first = reply.firstPart ?? 0;
    for (const part of reply.parts) {
      // Only the first part quotes the message it answers.
      const message = {
        target: reply.target,
        message: part,
        ...(reply.inboxid && sent === 0 ? { inboxid: reply.inboxid } : {}),
      };
      try {
        if (reply.replyKey === undefined) {
          await this.#o.sender.send(message);
          this.#o.counters.repliesSent++;
        } else {
          const { replayed } = await this.#o.sendClaims.run(
            `fonnte-ai:reply:${reply.replyKey}:${first + sent}`,
            { target: reply.target, part },
            async () => {
              await this.#o.sender.send(message);
              return { sent: true };
            },
          );
          // A replayed part went out in an earlier run of the job: not sent again, not counted again.
          if (!replayed) this.#o.counters.repliesSent++;
        }
        sent++;
      } catch (error) {
        this.#o.counters.sendFailures++;
        return { sent, failure: error };
      }
    }
    return { sent };
  }

  async #queueRest(reply: PendingReply, sent: number, failure: unknown): Promise<boolean> {
    const code = errorCode(failure);
    const rest: PendingReply = {
      target: reply.target,
      parts: reply.parts.slice(sent),
      ...(reply.inboxid && sent === 0 ? { inboxid: reply.inboxid } : {}),
      ...(reply.replyKey === undefined
        ? {}
        : { replyKey: reply.replyKey, firstPart: (reply.firstPart ?? 0) + sent }),
    };
    let queued = false;
    if (this.#o.queue && !PERMANENT.has(code)) {
      try {
        await this.#o.queue.enqueue(this.#o.queueName, rest, {
          retryLimit: this.#o.retryLimit,
          retryDelaySeconds: this.#o.retryDelaySeconds,
          retryBackoff: true,
        });
        queued = true;
        this.#o.counters.sendsQueued++;
      } catch (error) {
        this.#o.emit({
          type: "bridge.error",
          code: errorCode(error),
          message: "could not queue a failed send",
        });
      }
    }
    this.#o.emit({ type: "send.failed", target: maskPhone(reply.target), code, queued });
    return queued;
  }
}
