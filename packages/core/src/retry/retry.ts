/*
 * Written here rather than taken from a library because none of the
 * well-kept ones fits all of Lunas' needs on Node 20 and the edge runtimes:
 * - p-retry: delays come from the `retry` package (randomize multiplies by
 *   1..2, no full jitter) and it sleeps with its own setTimeout, so tests
 *   cannot inject a sleep or a random source.
 * - exponential-backoff: has full jitter, but no AbortSignal, no injectable
 *   sleep and Math.random hard-wired.
 * - cockatiel: AbortSignal-aware, but sleeps with setTimeout (not injectable),
 *   defaults to decorrelated jitter and brings a whole policy framework.
 * Injected time and randomness are a project rule (tests never sleep), so a
 * small loop over `computeBackoffDelay` is the honest fit.
 */
import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import { abortSignalSchema } from "../input/abort-signal.js";
import { callableSchema, sleepSchema } from "../input/injected-schemas.js";
import { realSleep, type Sleep } from "../time/clock.js";
import {
  type BackoffOptions,
  computeBackoffDelay,
  DEFAULT_BASE_DELAY_MS,
  DEFAULT_MAX_DELAY_MS,
} from "./backoff.js";
import { RetryExhaustedError } from "./retry-exhausted-error.js";

export interface RetryInfo {
  /** What the failed attempt threw. */
  error: unknown;
  /** The attempt that failed (1-based). */
  attempt: number;
  /** How long `retry` waits before the next attempt. */
  delayMs: number;
}

export interface RetryOptions extends BackoffOptions {
  /** Attempts in total, the first included. Default 5. */
  maxAttempts?: number;
  /** Whether an error is worth another attempt. Default: every error is. */
  retryable?: (error: unknown, attempt: number) => boolean;
  /** Aborting stops retrying: `retry` rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Waits between attempts. Default: a real timer. */
  sleep?: Sleep;
  /** Source of jitter in [0, 1). Default Math.random. */
  random?: () => number;
  /** Called after a failed attempt, before waiting for the next one. */
  onRetry?: (info: RetryInfo) => void;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

// Strict: a misspelt option (`maxAttempt`) would otherwise quietly fall back to its default.
const retryOptionsSchema = z.strictObject({
  maxAttempts: z.number().int().min(1).default(DEFAULT_MAX_ATTEMPTS),
  baseDelayMs: z.number().min(0).default(DEFAULT_BASE_DELAY_MS),
  maxDelayMs: z.number().min(0).default(DEFAULT_MAX_DELAY_MS),
  retryable: callableSchema<NonNullable<RetryOptions["retryable"]>>().optional(),
  signal: abortSignalSchema.optional(),
  sleep: sleepSchema.default(() => realSleep),
  random: callableSchema<() => number>("must be a function returning a number in [0, 1)").default(
    () => Math.random,
  ),
  onRetry: callableSchema<NonNullable<RetryOptions["onRetry"]>>().optional(),
});

// Built once: retry() wraps calls on hot paths, and the schema does not depend on T.
const retryArgumentsSchema = z.object({ fn: callableSchema(), options: retryOptionsSchema });

/**
 * Runs `fn` until it succeeds, waiting with exponential backoff and full
 * jitter between attempts (see `computeBackoffDelay`).
 *
 * - A non-retryable error (per `retryable`) is rethrown as is, at once.
 * - When `signal` aborts (before an attempt, during one, or while waiting),
 *   `retry` rejects with `signal.reason` and makes no further attempt.
 * - When the last allowed attempt fails, `retry` throws `RetryExhaustedError`
 *   (code `RETRY_EXHAUSTED`, `.attempts`, `cause` = the last error) rather
 *   than the last error itself, so callers can tell "gave up" from "failed
 *   for good" without inspecting the error.
 *
 * Options are checked before the first attempt: a bad option throws
 * `InvalidArgumentError` and `fn` never runs.
 */
export async function retry<T>(
  fn: (attempt: number, signal: AbortSignal | undefined) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { options: opts } = parseInput(retryArgumentsSchema, { fn, options }, "retry arguments");
  const { signal } = opts;

  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt, signal);
    } catch (error) {
      // An attempt that failed because the caller aborted is not worth retrying.
      signal?.throwIfAborted();
      if (opts.retryable && !opts.retryable(error, attempt)) throw error;
      if (attempt >= opts.maxAttempts) throw new RetryExhaustedError(attempt, error);
      const delayMs = computeBackoffDelay(
        attempt,
        { baseDelayMs: opts.baseDelayMs, maxDelayMs: opts.maxDelayMs },
        opts.random,
      );
      opts.onRetry?.({ error, attempt, delayMs });
      await opts.sleep(delayMs, signal);
    }
  }
}
