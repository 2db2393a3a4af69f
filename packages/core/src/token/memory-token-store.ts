import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import { clockSchema } from "../input/injected-schemas.js";
import { type Clock, systemClock } from "../time/clock.js";
import type { StoredToken, TokenStore } from "./token-store.js";

export interface MemoryTokenStoreOptions {
  /** Decides whether a lease ran out. Default: the system clock. */
  clock?: Clock;
}

/**
 * A `TokenStore` in this process's memory, with leases. Enough for a single
 * instance; several instances each keep their own and each log in once.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #tokens = new Map<string, StoredToken>();
  readonly #leases = new Map<string, { holder: string; until: number }>();
  readonly #clock: Clock;

  constructor(options: MemoryTokenStoreOptions = {}) {
    const parsed = parseInput(
      z.strictObject({ clock: clockSchema.optional() }),
      options,
      "MemoryTokenStore options",
    );
    this.#clock = parsed.clock ?? systemClock;
  }

  async get(key: string): Promise<StoredToken | null> {
    const token = this.#tokens.get(key);
    return token ? { ...token } : null;
  }

  async set(key: string, token: StoredToken): Promise<void> {
    const { value, expiresAt } = token;
    this.#tokens.set(key, { value, expiresAt });
  }

  async delete(key: string): Promise<void> {
    this.#tokens.delete(key);
  }

  async compareAndDelete(key: string, value: string): Promise<boolean> {
    if (this.#tokens.get(key)?.value !== value) return false;
    return this.#tokens.delete(key);
  }

  async acquireLease(key: string, holder: string, until: number): Promise<boolean> {
    const lease = { holder, until };
    const current = this.#leases.get(key);
    if (current && current.holder !== lease.holder && current.until > this.#clock.now()) {
      return false;
    }
    this.#leases.set(key, lease);
    return true;
  }

  async releaseLease(key: string, holder: string): Promise<void> {
    if (this.#leases.get(key)?.holder === holder) this.#leases.delete(key);
  }

  async deleteExpired(now: number): Promise<number> {
    const cutoff = now;
    let removed = 0;
    for (const [key, token] of this.#tokens) {
      if (token.expiresAt < cutoff) {
        this.#tokens.delete(key);
        removed += 1;
      }
    }
    for (const [key, lease] of this.#leases) {
      if (lease.until < cutoff) {
        this.#leases.delete(key);
        removed += 1;
      }
    }
    return removed;
  }
}
