import {
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitRule,
  windowStart,
} from "./rate-limiter.js";

/** A `RateLimiter` in this process's memory: one instance, or tests. */
export class MemoryRateLimiter implements RateLimiter {
  readonly #counters = new Map<string, { start: number; hits: number; resetAt: number }>();

  async hit(key: string, rule: RateLimitRule, now: number): Promise<RateLimitDecision> {
    const start = windowStart(now, rule.windowMs);
    const current = this.#counters.get(key);
    const counter =
      current && current.start === start
        ? { ...current, hits: current.hits + 1 }
        : { start, hits: 1, resetAt: start + rule.windowMs };
    this.#counters.set(key, counter);
    return { allowed: counter.hits <= rule.limit, hits: counter.hits, resetAt: counter.resetAt };
  }

  async reset(key: string): Promise<void> {
    this.#counters.delete(key);
  }

  async purgeExpired(now: number): Promise<number> {
    let purged = 0;
    for (const [key, counter] of this.#counters) {
      if (counter.resetAt <= now) {
        this.#counters.delete(key);
        purged++;
      }
    }
    return purged;
  }
}
