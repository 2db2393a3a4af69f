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

  async answer(message: AcceptedMessage): Promise<void> {
    const o = this.#o;
    if ([...message.text].length > o.maxMessageChars) {
      o.counters.reject("too_long");
      o.emit({ type: "message.rejected", reason: "too_long", sender: maskPhone(message.phone) });
      await this.#send(message, o.messages.tooLong);
      return;
    }
    const started = o.now();
    let reply: string;
    try {
      reply = await this.#generate(message, started);
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
      await this.#send(message, o.messages.apology);
      return;
    }
    await this.#send(message, reply);
  }

  async #generate(message: AcceptedMessage, started: number): Promise<string> {
    const o = this.#o;
    const signal = AbortSignal.timeout(o.answerTimeoutMs);
    const history = await o.sessions.read(message.phone, started);
    const extra = o.context
      ? await o.context({ sender: message.phone, userId: message.userId, message: message.text })
      : undefined;
    const systemInstruction =
      typeof extra === "string" && extra.trim() !== ""
        ? `${o.systemPrompt}\n\n${extra}`
        : o.systemPrompt;
    const reply = await o.ai.generate({
      systemInstruction,
      history,
      message: message.text,
      signal,
    });
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

  async #send(message: AcceptedMessage, markdown: string): Promise<void> {
    const parts = splitReply(markdownToWhatsApp(markdown), this.#o.maxReplyChars);
    if (parts.length === 0) return;
    await this.#o.delivery.deliver({
      target: message.target,
      parts,
      ...(this.#o.quoteReplies && message.inboxId ? { inboxid: message.inboxId } : {}),
    });
  }
}
