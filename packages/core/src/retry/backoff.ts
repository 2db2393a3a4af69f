import { z } from "zod";
import { InvalidArgumentError } from "../errors/lunas-error.js";
import { parseInput } from "../errors/parse-input.js";
import { callableSchema } from "../input/injected-schemas.js";

export interface BackoffOptions {
  /** Cap of the first retry's delay, in ms. Default 200. */
  baseDelayMs?: number;
  /** No delay is ever longer than this, in ms. Default 30 000. */
  maxDelayMs?: number;
}

export const DEFAULT_BASE_DELAY_MS = 200;
export const DEFAULT_MAX_DELAY_MS = 30_000;

const backoffSchema = z.object({
  attempt: z.number().int().min(1),
  options: z.strictObject({
    baseDelayMs: z.number().min(0).default(DEFAULT_BASE_DELAY_MS),
    maxDelayMs: z.number().min(0).default(DEFAULT_MAX_DELAY_MS),
  }),
  random: callableSchema<() => number>("must be a function returning a number in [0, 1)"),
});

// 2^1023 is the largest finite power of two; beyond it the cap is maxDelayMs anyway.
const MAX_EXPONENT = 1023;

/**
 * The delay before retrying after failed attempt `attempt` (1-based), with full
 * jitter: `floor(random() * min(maxDelayMs, baseDelayMs * 2^(attempt-1)))`.
 * Full jitter spreads clients that failed together across the whole window,
 * so they do not retry in lockstep. The result is in `[0, cap)` when the cap
 * is positive and `0` when it is zero.
 */
export function computeBackoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const {
    options: { baseDelayMs, maxDelayMs },
  } = parseInput(backoffSchema, { attempt, options, random }, "backoff arguments");
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt - 1, MAX_EXPONENT));
  const r = random();
  if (typeof r !== "number" || !(r >= 0 && r < 1)) {
    throw new InvalidArgumentError(
      `random() returned ${String(r)}; it must return a number in [0, 1) like Math.random`,
    );
  }
  return Math.floor(r * cap);
}
