import { type Clock, parseInput, systemClock } from "@lunas/core";
import { clockSchema } from "@lunas/core/validation";
import { z } from "zod";
import { sessionPolicyFields } from "./session-input.js";
import {
  type ChatMessage,
  type SessionPolicy,
  type SessionStore,
  trimToWholeTurns,
} from "./session-store.js";

/** A point-in-time copy of every live session, as the snapshot file stores it. */
export interface SessionSnapshot {
  version: 1;
  takenAt: number;
  sessions: { key: string; updatedAt: number; messages: ChatMessage[] }[];
}

export interface MemorySessionStoreOptions extends Partial<SessionPolicy> {
  /**
   * Deletes expired sessions this often (ms), so senders who never come back do
   * not hold memory. 0 turns it off. Default 60 s. The timer is unref'd.
   */
  cleanupIntervalMs?: number;
  /** Read by the cleanup timer only; every call passes its own `now`. */
  clock?: Clock;
}

const optionsSchema = z.strictObject({
  ...sessionPolicyFields,
  cleanupIntervalMs: z.number().int().min(0).default(60_000),
  clock: clockSchema.default(() => systemClock),
});

interface Entry {
  updatedAt: number;
  messages: ChatMessage[];
}

/**
 * Sessions in this process's memory. Each verb reads and writes without
 * awaiting in between, so an append is atomic. `snapshot()`/`restore()` let
 * `SessionSnapshotFile` (from `@lunas/fonnte-ai/node`) keep them across restarts.
 */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, Entry>();
  readonly #policy: SessionPolicy;
  readonly #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: MemorySessionStoreOptions = {}) {
    const { cleanupIntervalMs, clock, ...policy } = parseInput(
      optionsSchema,
      options,
      "MemorySessionStore options",
    );
    this.#policy = policy;
    if (cleanupIntervalMs > 0) {
      this.#timer = setInterval(() => this.#purge(clock.now()), cleanupIntervalMs);
      // A store nobody closed must not keep the process alive.
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  get policy(): SessionPolicy {
    return { ...this.#policy };
  }

  #live(key: string, now: number): Entry | undefined {
    const entry = this.#sessions.get(key);
    if (entry && now - entry.updatedAt > this.#policy.ttlMs) {
      this.#sessions.delete(key);
      return undefined;
    }
    return entry;
  }

  async read(key: string, now: number): Promise<ChatMessage[]> {
    return (this.#live(key, now)?.messages ?? []).map((m) => ({ ...m }));
  }

  async append(key: string, messages: readonly ChatMessage[], now: number): Promise<void> {
    const before = this.#live(key, now)?.messages ?? [];
    const after = trimToWholeTurns(
      [...before, ...messages.map((m) => ({ role: m.role, text: m.text }))],
      this.#policy.maxMessages,
    );
    this.#sessions.set(key, { updatedAt: now, messages: after });
  }

  async delete(key: string): Promise<void> {
    this.#sessions.delete(key);
  }

  async countActive(now: number): Promise<number> {
    let live = 0;
    for (const entry of this.#sessions.values()) {
      if (now - entry.updatedAt <= this.#policy.ttlMs) live++;
    }
    return live;
  }

  async purgeExpired(now: number): Promise<number> {
    return this.#purge(now);
  }

  #purge(now: number): number {
    let purged = 0;
    for (const [key, entry] of this.#sessions) {
      if (now - entry.updatedAt > this.#policy.ttlMs) {
        this.#sessions.delete(key);
        purged++;
      }
    }
    return purged;
  }

  /**
   * Copies every live session synchronously, so the copy is one consistent
   * moment even while appends continue.
   */
  snapshot(now: number): SessionSnapshot {
    const sessions: SessionSnapshot["sessions"] = [];
    for (const [key, entry] of this.#sessions) {
      if (now - entry.updatedAt > this.#policy.ttlMs) continue;
      sessions.push({
        key,
        updatedAt: entry.updatedAt,
        messages: entry.messages.map((m) => ({ ...m })),
      });
    }
    return { version: 1, takenAt: now, sessions };
  }

  /** Loads a snapshot's sessions that are still live at `now`; returns how many. */
  restore(snapshot: SessionSnapshot, now: number): number {
    let restored = 0;
    for (const session of snapshot.sessions) {
      if (now - session.updatedAt > this.#policy.ttlMs) continue;
      const current = this.#sessions.get(session.key);
      // Something written since the process started is newer than the file.
      if (current && current.updatedAt >= session.updatedAt) continue;
      this.#sessions.set(session.key, {
        updatedAt: session.updatedAt,
        messages: trimToWholeTurns(session.messages, this.#policy.maxMessages),
      });
      restored++;
    }
    return restored;
  }

  /** Stops the cleanup timer. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
