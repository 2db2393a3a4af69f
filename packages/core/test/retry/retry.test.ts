import {
  computeBackoffDelay,
  InvalidArgumentError,
  LunasError,
  RetryExhaustedError,
  type RetryOptions,
  retry,
} from "@lunas/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/** A sleep that never waits, only records what it was asked for. */
function recordingSleep() {
  const delays: number[] = [];
  const sleep: NonNullable<RetryOptions["sleep"]> = async (ms, signal) => {
    signal?.throwIfAborted();
    delays.push(ms);
  };
  return { delays, sleep };
}

function failingTimes<T>(
  failures: number,
  value: T,
  makeError = (n: number) => new Error(`boom ${n}`),
) {
  const attempts: number[] = [];
  const fn = async (attempt: number) => {
    attempts.push(attempt);
    if (attempts.length <= failures) throw makeError(attempt);
    return value;
  };
  return { attempts, fn };
}

describe("retry", () => {
  it("returns the first successful result without waiting", async () => {
    const { delays, sleep } = recordingSleep();
    const { attempts, fn } = failingTimes(0, "ok");
    await expect(retry(fn, { sleep })).resolves.toBe("ok");
    expect(attempts).toEqual([1]);
    expect(delays).toEqual([]);
  });

  it("retries with full-jitter exponential delays and passes the attempt number", async () => {
    const { delays, sleep } = recordingSleep();
    const { attempts, fn } = failingTimes(4, 42);
    const retries: { attempt: number; delayMs: number; message: string }[] = [];
    const result = await retry(fn, {
      sleep,
      random: () => 0.5,
      baseDelayMs: 100,
      maxDelayMs: 500,
      onRetry: ({ attempt, delayMs, error }) =>
        retries.push({ attempt, delayMs, message: (error as Error).message }),
    });
    expect(result).toBe(42);
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    // caps 100, 200, 400, 500 (maxDelay), each halved by random() = 0.5
    expect(delays).toEqual([50, 100, 200, 250]);
    expect(retries).toEqual([
      { attempt: 1, delayMs: 50, message: "boom 1" },
      { attempt: 2, delayMs: 100, message: "boom 2" },
      { attempt: 3, delayMs: 200, message: "boom 3" },
      { attempt: 4, delayMs: 250, message: "boom 4" },
    ]);
  });

  it("uses the defaults: 5 attempts, 200 ms base", async () => {
    const { delays, sleep } = recordingSleep();
    const { attempts, fn } = failingTimes(Number.POSITIVE_INFINITY, "never");
    const error = await retry(fn, { sleep, random: () => 0.999999 }).catch((e: unknown) => e);
    expect(attempts).toHaveLength(5);
    expect(delays).toEqual([199, 399, 799, 1599]);
    expect(error).toBeInstanceOf(RetryExhaustedError);
  });

  it("throws RetryExhaustedError with the attempts and the last error as cause", async () => {
    const { sleep } = recordingSleep();
    const { fn } = failingTimes(10, "never");
    const error = await retry(fn, { sleep, maxAttempts: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryExhaustedError);
    expect(error).toBeInstanceOf(LunasError);
    const exhausted = error as RetryExhaustedError;
    expect(exhausted.code).toBe("RETRY_EXHAUSTED");
    expect(exhausted.attempts).toBe(3);
    expect((exhausted.cause as Error).message).toBe("boom 3");
  });

  it("maxAttempts 1 runs once and never sleeps", async () => {
    const { delays, sleep } = recordingSleep();
    const { attempts, fn } = failingTimes(1, "x");
    const error = await retry(fn, { sleep, maxAttempts: 1 }).catch((e: unknown) => e);
    expect(attempts).toEqual([1]);
    expect(delays).toEqual([]);
    expect((error as RetryExhaustedError).attempts).toBe(1);
  });

  it("rethrows a non-retryable error as is, at once", async () => {
    const { delays, sleep } = recordingSleep();
    class Permanent extends Error {}
    const seen: [string, number][] = [];
    const { attempts, fn } = failingTimes(5, "x", (n) =>
      n === 2 ? new Permanent("bad request") : new Error(`transient ${n}`),
    );
    const error = await retry(fn, {
      sleep,
      retryable: (e, attempt) => {
        seen.push([(e as Error).message, attempt]);
        return !(e instanceof Permanent);
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Permanent);
    expect(attempts).toEqual([1, 2]);
    expect(delays).toHaveLength(1);
    expect(seen).toEqual([
      ["transient 1", 1],
      ["bad request", 2],
    ]);
  });

  it("does not run at all when the signal is already aborted", async () => {
    const controller = new AbortController();
    const reason = new Error("shutting down");
    controller.abort(reason);
    const { attempts, fn } = failingTimes(0, "x");
    await expect(retry(fn, { signal: controller.signal })).rejects.toBe(reason);
    expect(attempts).toEqual([]);
  });

  it("rejects with the signal's reason when aborted while waiting, without another attempt", async () => {
    const controller = new AbortController();
    const reason = new Error("deadline");
    const attempts: number[] = [];
    const sleep: NonNullable<RetryOptions["sleep"]> = (_ms, signal) =>
      new Promise((_resolve, reject) => {
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        controller.abort(reason);
      });
    const promise = retry(
      async (attempt) => {
        attempts.push(attempt);
        throw new Error("fail");
      },
      { signal: controller.signal, sleep },
    );
    await expect(promise).rejects.toBe(reason);
    expect(attempts).toEqual([1]);
  });

  it("rejects with the signal's reason when aborted during an attempt, and passes the signal to fn", async () => {
    const controller = new AbortController();
    const reason = new Error("cancelled by caller");
    const { delays, sleep } = recordingSleep();
    const seenSignals: (AbortSignal | undefined)[] = [];
    const promise = retry(
      async (_attempt, signal) => {
        seenSignals.push(signal);
        controller.abort(reason);
        throw new Error("request aborted");
      },
      { signal: controller.signal, sleep, retryable: () => true },
    );
    await expect(promise).rejects.toBe(reason);
    expect(seenSignals).toEqual([controller.signal]);
    expect(delays).toEqual([]);
  });

  it("stops after the wait when a sleep ignores the signal", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    const attempts: number[] = [];
    await expect(
      retry(
        async (attempt) => {
          attempts.push(attempt);
          throw new Error("fail");
        },
        {
          signal: controller.signal,
          sleep: async () => {
            controller.abort(reason);
          },
        },
      ),
    ).rejects.toBe(reason);
    expect(attempts).toEqual([1]);
  });

  it.each([
    [{ maxAttempts: 0 }, "maxAttempts"],
    [{ maxAttempts: 1.5 }, "maxAttempts"],
    [{ baseDelayMs: -1 }, "baseDelayMs"],
    [{ maxDelayMs: Number.NaN }, "maxDelayMs"],
    [{ maxDelayMs: Number.POSITIVE_INFINITY }, "maxDelayMs"],
    [{ retryable: "yes" }, "retryable"],
    [{ sleep: 5 }, "sleep"],
    [{ random: 0.5 }, "random"],
    [{ onRetry: {} }, "onRetry"],
    [{ signal: "abort" }, "signal"],
    [{ signal: { aborted: false } }, "signal"],
    [{ maxAttempt: 3 }, "maxAttempt"],
    [5, "options"],
    [null, "options"],
  ])("rejects bad options %o before running fn", async (options, field) => {
    let ran = false;
    const error = await retry(async () => {
      ran = true;
    }, options as RetryOptions).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).code).toBe("INVALID_ARGUMENT");
    expect((error as InvalidArgumentError).issues.join()).toContain(field);
    expect(ran).toBe(false);
  });

  it("rejects a non-function fn", async () => {
    const error = await retry("nope" as unknown as () => Promise<void>).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });
});

describe("computeBackoffDelay", () => {
  it("doubles the window per attempt up to maxDelayMs", () => {
    const almostOne = () => 0.9999999;
    const delays = [1, 2, 3, 4, 5, 6].map((n) =>
      computeBackoffDelay(n, { baseDelayMs: 1000, maxDelayMs: 10_000 }, almostOne),
    );
    expect(delays).toEqual([999, 1999, 3999, 7999, 9999, 9999]);
  });

  it("is zero when random() is zero and for a zero base", () => {
    expect(computeBackoffDelay(3, {}, () => 0)).toBe(0);
    expect(computeBackoffDelay(2000, { baseDelayMs: 0 }, () => 0.5)).toBe(0);
  });

  it("stays at maxDelayMs for huge attempt numbers", () => {
    expect(computeBackoffDelay(5000, { baseDelayMs: 200, maxDelayMs: 30_000 }, () => 0.5)).toBe(
      15_000,
    );
  });

  it.each([[0], [-1], [1.5], [Number.NaN]])("rejects attempt %s", (attempt) => {
    expect(() => computeBackoffDelay(attempt)).toThrow(InvalidArgumentError);
  });

  it.each([
    [null, "options"],
    [5, "options"],
    [{ baseDelay: 100 }, "baseDelay"],
  ])("rejects options %o with INVALID_ARGUMENT naming %s", (options, field) => {
    expect(() => computeBackoffDelay(1, options as never)).toThrow(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        message: expect.stringContaining(field),
      }),
    );
  });

  it("rejects a random that is not a function", () => {
    expect(() => computeBackoffDelay(1, {}, 0.5 as never)).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });

  it.each([[1], [1.2], [-0.1], [Number.NaN]])("rejects random() returning %s", (value) => {
    expect(() => computeBackoffDelay(1, {}, () => value)).toThrow(/\[0, 1\)/);
  });

  it("property: every delay retry waits is in [0, min(maxDelay, base * 2^(n-1)))", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 120_000 }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })),
        async (maxAttempts, baseDelayMs, maxDelayMs, randoms) => {
          const { delays, sleep } = recordingSleep();
          const random = () => randoms.next().value as number;
          await retry(
            async () => {
              throw new Error("always");
            },
            { maxAttempts, baseDelayMs, maxDelayMs, sleep, random },
          ).catch(() => {});
          expect(delays).toHaveLength(maxAttempts - 1);
          delays.forEach((delay, index) => {
            const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** index);
            expect(delay).toBeGreaterThanOrEqual(0);
            expect(delay).toBeLessThan(cap);
            expect(Number.isInteger(delay)).toBe(true);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
