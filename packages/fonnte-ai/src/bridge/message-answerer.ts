import type { IdempotentProcessor } from "@lunas/core";
import type { AiProvider } from "../ai/ai-provider.js";
import { splitReply } from "../format/split-reply.js";
import { markdownToWhatsApp } from "../format/whatsapp-markdown.js";
import type { SessionStore } from "../session/session-store.js";
import { type BridgeEvent, errorCode, maskPhone } from "./bridge-events.js";
import type { BridgeCounters } from "./bridge-metrics.js";
import type { BridgeMessages, ContextInput } from "./bridge-options.js";
import type { ReplyDelivery } from "./reply-delivery.js";

export interface AcceptedMessage {
  /** `62…` digits: whose history and limits these are. */
  phone: string;
  userId: string;
  /** Where the reply goes (the sender, or the group). */
  target: string;
  text: string;
  inboxId: string | null;
}

export interface MessageAnswererOptions {
  ai: AiProvider;
  sessions: SessionStore;
  delivery: ReplyDelivery;
  counters: BridgeCounters;
  messages: BridgeMessages;
  systemPrompt: string;
  context: ((input: ContextInput) => unknown) | undefined;
  maxMessageChars: number;
  maxReplyChars: number;
  quoteReplies: boolean;
  answerTimeoutMs: number;
  now: () => number;
  emit: (event: BridgeEvent) => void;
  /** Keeps a queued message's reply once composed (core's processor over the bridge's dedupe store). */
  answerClaims: IdempotentProcessor;
}

/** The reply of a queued message as its claim stores it. */
interface ComposedReply {
  parts: string[];
}

/**
 * Answers one accepted message: history → the app's context → AI → history →
 * Markdown to WhatsApp → split → send. Runs inside the sender's sequence, so
 * the history it reads includes every earlier message of that sender. Never
 * throws: a failure before the answer exists sends the apology, once.
 */
export class MessageAnswerer {
  readonly #o: MessageAnswererOptions;

  constructor(options: MessageAnswererOptions) {
    this.#o = options;
  }

  /** Answers in this process: compose, then send. */
  async answer(message: AcceptedMessage): Promise<void> {
    await this.#deliver(message, await this.#compose(message), undefined);
  }

  /**
   * Answers a message taken from the job queue, where the job may be a retry
   * of a run that died part way. The reply is composed once under the claim
   * `fonnte-ai:answer:<key>` (the AI is not asked again and the history gets
   * the exchange once), and each part is sent under its own claim. Throws
   * `IdempotencyInProgressError` while a run that died still holds the
   * answer's lease, so the queue retries the job after it lapses.
   */
  async answerQueued(message: AcceptedMessage, key: string): Promise<void> {
    const { result } = await this.#o.answerClaims.run(
      `fonnte-ai:answer:${key}`,
      { phone: message.phone, text: message.text },
      async (): Promise<ComposedReply> => ({ parts: await this.#compose(message) }),
    );
    await this.#deliver(message, result.parts, key);
  }

  /** The reply's WhatsApp messages. Never throws: a failure gives the apology. */
  async #compose(message: AcceptedMessage): Promise<string[]> {
    const o = this.#o;
    if ([...message.text].length > o.maxMessageChars) {
      o.counters.reject("too_long");
      o.emit({ type: "message.rejected", reason: "too_long", sender: maskPhone(message.phone) });
      return this.#format(o.messages.tooLong);
    }
    const started = o.now();
    try {
      return this.#format(await this.#generate(message, started));
    } catch (error) {
      const latencyMs = o.now() - started;
      o.counters.aiFailures++;
      o.counters.consecutiveAiFailures++;
      o.emit({
        type: "ai.failed",
        sender: maskPhone(message.phone),
        code: errorCode(error),
        latencyMs,
      });
      return this.#format(o.messages.apology);
    }
  }

  async #generate(message: AcceptedMessage, started: number): Promise<string> {
    const o = this.#o;
    // The same abort as AbortSignal.timeout, but its timer is cleared once the
    // answer is in; a timeout signal per message costs twice as much CPU.
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DOMException("The answer took too long", "TimeoutError")),
      o.answerTimeoutMs,
    );
    let reply: Awaited<ReturnType<AiProvider["generate"]>>;
    try {
      const history = await o.sessions.read(message.phone, started);
      const extra = o.context
        ? await o.context({ sender: message.phone, userId: message.userId, message: message.text })
        : undefined;
      const systemInstruction =
        typeof extra === "string" && extra.trim() !== ""
          ? `${o.systemPrompt}\n\n${extra}`
          : o.systemPrompt;
      reply = await o.ai.generate({
        systemInstruction,
        history,
        message: message.text,
        signal: deadline.signal,
      });
    } finally {
      clearTimeout(timer);
    }
    const latencyMs = o.now() - started;
    o.counters.recordAiLatency(latencyMs);
    o.counters.consecutiveAiFailures = 0;
    o.emit({
      type: "ai.answered",
      sender: maskPhone(message.phone),
      model: reply.model,
      blocked: reply.blocked,
      latencyMs,
    });
    // A blocked exchange stays out of the history, or every later prompt would carry it.
    if (!reply.blocked) {
      await o.sessions.append(
        message.phone,
        [
          { role: "user", text: message.text },
          { role: "model", text: reply.text },
        ],
        o.now(),
      );
    }
    return reply.text;
  }

  #format(markdown: string): string[] {
    return splitReply(markdownToWhatsApp(markdown), this.#o.maxReplyChars);
  }

  async #deliver(
    message: AcceptedMessage,
    parts: string[],
    replyKey: string | undefined,
  ): Promise<void> {
    if (parts.length === 0) return;
    await this.#o.delivery.deliver({
      target: message.target,
      parts,
      ...(this.#o.quoteReplies && message.inboxId ? { inboxid: message.inboxId } : {}),
      ...(replyKey === undefined ? {} : { replyKey }),
    });
  }
}
