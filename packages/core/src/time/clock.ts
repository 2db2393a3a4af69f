import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import { abortSignalSchema } from "../input/abort-signal.js";

/** Milliseconds since the epoch. Injected everywhere so tests control time instead of sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

const sleepArgumentsSchema = z.object({
  // z.number() refuses NaN and ±Infinity, which setTimeout would quietly turn into 1 ms.
  ms: z.number(),
  signal: abortSignalSchema.optional(),
});

// setTimeout fires after 1 ms for anything over 2^31 - 1 ms (about 24.8 days),
// so a longer wait is taken in steps of at most that.
const MAX_TIMER_MS = 2 ** 31 - 1;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    // Checked here, not in the timer: a bad signal would throw there and crash the process.
    parseInput(sleepArgumentsSchema, { ms, signal }, "realSleep arguments");
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let remaining = Math.max(0, ms);
    let timer: ReturnType<typeof setTimeout>;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const step = () => {
      const wait = Math.min(remaining, MAX_TIMER_MS);
      remaining -= wait;
      timer = setTimeout(() => {
        if (remaining > 0) return step();
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, wait);
    };
    step();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
