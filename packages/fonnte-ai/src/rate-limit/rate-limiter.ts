/** What one hit against a limit answers. */
export interface RateLimitDecision {
  allowed: boolean;
  /** Hits counted in the current window, this one included. */
  hits: number;
  /** ms epoch when the window ends and the count starts again. */
  resetAt: number;
}

export interface RateLimitRule {
  /** Hits allowed per window. */
  limit: number;
  windowMs: number;
}

/**
 * Counts hits per key in fixed windows. `hit` is atomic: concurrent hits from
 * several processes on one shared store are each counted once, so a limit of
 * 10 lets exactly 10 through per window across every instance.
 *
 * Stores never read a clock; `now` is passed in.
 */
export interface RateLimiter {
  hit(key: string, rule: RateLimitRule, now: number): Promise<RateLimitDecision>;
  /** Forgets the key's count (e.g. after a successful verification). */
  reset(key: string): Promise<void>;
  /** Deletes counters whose window ended before `now`; returns how many. */
  purgeExpired(now: number): Promise<number>;
}

/** The window `now` falls in, aligned to multiples of `windowMs` so every instance agrees. */
export function windowStart(now: number, windowMs: number): number {
  return now - (now % windowMs);
}
