/** One message of a conversation. `model` is the assistant (Gemini's word for it). */
export interface ChatMessage {
  role: "user" | "model";
  text: string;
}

/**
 * Conversation history per sender. Small on purpose (like grammY's storage
 * adapters): policy — how many messages, how long — is given to each adapter
 * once, and trimming is the same pure function everywhere (`trimToWholeTurns`).
 *
 * Stores never read a clock: every call carries `now` (ms epoch). A session
 * whose last write is more than the adapter's TTL before `now` is gone.
 */
export interface SessionStore {
  /** The live history of `key`, oldest first; `[]` when none or expired. */
  read(key: string, now: number): Promise<ChatMessage[]>;
  /**
   * Atomically appends `messages` to the live history (an expired one counts
   * as empty), trims it to whole turns within the message limit and restarts
   * its TTL from `now`.
   */
  append(key: string, messages: readonly ChatMessage[], now: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Sessions live at `now` (for metrics). */
  countActive(now: number): Promise<number>;
  /** Deletes expired sessions; returns how many. */
  purgeExpired(now: number): Promise<number>;
}

/** What every adapter is configured with. */
export interface SessionPolicy {
  /** Most messages kept per sender. Default 20. */
  maxMessages: number;
  /** A session not written for this long is gone. Default 30 minutes. */
  ttlMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { maxMessages: 20, ttlMs: 30 * 60 * 1000 };

/**
 * Keeps the newest whole turns (a user message and the replies after it) that
 * fit in `maxMessages`, so history always starts with a user message: a model
 * turn without the question it answered confuses the next answer, and Gemini
 * refuses contents that start with a model turn.
 */
export function trimToWholeTurns(
  messages: readonly ChatMessage[],
  maxMessages: number,
): ChatMessage[] {
  let start = 0;
  // Drop leading replies whose question was already trimmed away.
  while (start < messages.length && messages[start]?.role !== "user") start++;
  while (messages.length - start > maxMessages) {
    start++;
    while (start < messages.length && messages[start]?.role !== "user") start++;
  }
  return messages.slice(start);
}
