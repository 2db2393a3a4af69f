import { ResponseBodyTimeoutError, readBodyWithin } from "@lunas/core";
import { afterEach, describe, expect, it, vi } from "vitest";

const stalledBody = () =>
  new Response(
    new ReadableStream({
      start: (controller) => controller.enqueue(new TextEncoder().encode('{"partial":')),
    }),
  );

describe("readBodyWithin", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("returns the body text and leaves no timer behind", async () => {
    vi.useFakeTimers();
    const cut = new AbortController();
    expect(await readBodyWithin(new Response('{"ok":true}'), 1_000, cut)).toBe('{"ok":true}');
    expect(vi.getTimerCount()).toBe(0);
    expect(cut.signal.aborted).toBe(false);
  });

  it("fails with RESPONSE_BODY_TIMEOUT at the deadline and aborts the request's controller", async () => {
    vi.useFakeTimers();
    const cut = new AbortController();
    const reading = readBodyWithin(stalledBody(), 500, cut).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(499);
    expect(cut.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await reading;
    expect(error).toBeInstanceOf(ResponseBodyTimeoutError);
    expect(error).toMatchObject({ code: "RESPONSE_BODY_TIMEOUT", timeoutMs: 500 });
    expect(cut.signal.aborted).toBe(true);
  });
});
