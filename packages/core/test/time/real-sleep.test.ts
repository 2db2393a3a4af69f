import { realSleep } from "@lunas/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const MAX_TIMER_MS = 2 ** 31 - 1;

describe("realSleep", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const settled = (promise: Promise<void>) => {
    let done = false;
    promise.then(
      () => {
        done = true;
      },
      () => {
        done = true;
      },
    );
    return () => done;
  };

  it("resolves after the time asked for", async () => {
    const isDone = settled(realSleep(1_000));
    await vi.advanceTimersByTimeAsync(999);
    expect(isDone()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(isDone()).toBe(true);
  });

  // setTimeout turns a delay over 2^31 - 1 ms into 1 ms: a retry with a huge
  // maxDelayMs, or a 30-day wait, would otherwise come back at once.
  it("waits longer than setTimeout's 2^31 - 1 ms limit instead of firing after 1 ms", async () => {
    const ms = MAX_TIMER_MS + 60_000;
    const isDone = settled(realSleep(ms));
    await vi.advanceTimersByTimeAsync(10);
    expect(isDone()).toBe(false);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(isDone()).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000 - 10);
    expect(isDone()).toBe(true);
  });

  it("rejects with the signal's reason when aborted during a later step of a long wait", async () => {
    const controller = new AbortController();
    const sleeping = realSleep(MAX_TIMER_MS * 2, controller.signal);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS + 5);
    controller.abort(new Error("stopped"));
    await expect(sleeping).rejects.toThrow("stopped");
    expect(vi.getTimerCount()).toBe(0);
  });
});
