import { AiProviderError, createGeminiProvider } from "@lunas/fonnte-ai";
import { FakeGeminiServer } from "@lunas/fonnte-ai/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recordingSleep } from "../support/recording-sleep.js";

describe("Gemini provider against the fake Gemini server", () => {
  let gemini: FakeGeminiServer;
  let delays: number[];
  const provider = (over: Partial<Parameters<typeof createGeminiProvider>[0]> = {}) => {
    const timeoutMs = over.timeoutMs ?? 1_777;
    const recording = recordingSleep(timeoutMs);
    delays = recording.delays;
    return createGeminiProvider({
      apiKey: gemini.apiKey,
      baseUrl: gemini.url,
      models: ["gemini-2.5-flash", "gemini-2.0-flash"],
      timeoutMs,
      retryBaseDelayMs: 100,
      sleep: recording.sleep,
      random: () => 0.5,
      ...over,
    });
  };
  const ask = (p = provider()) =>
    p.generate({
      systemInstruction: "Jawab singkat.",
      history: [
        { role: "user", text: "Halo" },
        { role: "model", text: "Halo juga" },
      ],
      message: "Apa kabar?",
    });

  beforeAll(async () => {
    gemini = await FakeGeminiServer.start();
  });
  afterAll(() => gemini.close());
  beforeEach(() => {
    delays = [];
    gemini.requests.length = 0;
    gemini.calls.length = 0;
  });

  it("sends systemInstruction, contents with roles user/model and generationConfig", async () => {
    const reply = await ask(provider({ generationConfig: { temperature: 0.3 } }));
    expect(reply).toEqual({
      text: "Jawaban untuk: Apa kabar?",
      model: "gemini-2.5-flash",
      blocked: false,
    });
    expect(gemini.requests[0]).toEqual({
      model: "gemini-2.5-flash",
      systemInstruction: "Jawab singkat.",
      contents: [
        { role: "user", text: "Halo" },
        { role: "model", text: "Halo juga" },
        { role: "user", text: "Apa kabar?" },
      ],
      generationConfig: { temperature: 0.3 },
    });
    expect(gemini.calls[0]?.path).not.toContain("key=");
  });

  it("503 on the first model until its retries run out, then the fallback model answers", async () => {
    gemini.failNext("gemini-2.5-flash", { kind: "http", status: 503 }, 3);
    const reply = await ask();
    expect(reply).toMatchObject({ model: "gemini-2.0-flash", blocked: false });
    expect(gemini.callsTo("gemini-2.5-flash")).toHaveLength(3);
    expect(gemini.callsTo("gemini-2.0-flash")).toHaveLength(1);
  });

  it("429 with RetryInfo: waits at least the asked delay, then the same model answers", async () => {
    gemini.failNext("gemini-2.5-flash", { kind: "rate-limited", retryDelay: "7s" });
    const reply = await ask();
    expect(reply.model).toBe("gemini-2.5-flash");
    expect(delays).toEqual([7_000]);
  });

  it("a per-day quota is not retried: straight to the next model", async () => {
    gemini.failNext("gemini-2.5-flash", { kind: "rate-limited", perDay: true, retryDelay: "1s" });
    const reply = await ask();
    expect(reply.model).toBe("gemini-2.0-flash");
    expect(gemini.callsTo("gemini-2.5-flash")).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("a RetryInfo delay longer than maxRetryDelayMs moves on instead of waiting", async () => {
    gemini.failNext("gemini-2.5-flash", { kind: "rate-limited", retryDelay: "45s" });
    expect((await ask()).model).toBe("gemini-2.0-flash");
    expect(delays).toEqual([]);
  });

  it.each([
    ["a blocked prompt", { kind: "blocked-prompt" } as const],
    ["a safety stop", { kind: "safety-stop" } as const],
  ])("%s becomes the polite reply, not a crash", async (_, fault) => {
    gemini.failNext("gemini-2.5-flash", fault);
    const reply = await ask(provider({ blockedReply: "Maaf, tidak bisa." }));
    expect(reply).toEqual({ text: "Maaf, tidak bisa.", model: "gemini-2.5-flash", blocked: true });
  });

  it("a stalled model times out and the next one answers", async () => {
    gemini.failNext("gemini-2.5-flash", { kind: "stall" });
    const started = Date.now();
    const reply = await ask(provider({ timeoutMs: 300 }));
    expect(reply.model).toBe("gemini-2.0-flash");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("every model failing is AI_UNAVAILABLE; a wrong key is AI_AUTH_FAILED at once, key not in the error", async () => {
    gemini.failNext("gemini-2.5-flash", { kind: "http", status: 503 }, 3);
    gemini.failNext("gemini-2.0-flash", { kind: "http", status: 500 }, 3);
    await expect(ask()).rejects.toMatchObject({ code: "AI_UNAVAILABLE", httpStatus: 500 });

    gemini.requests.length = 0;
    const error = await ask(provider({ apiKey: "AIza-wrong-secret-key" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiProviderError);
    expect(error).toMatchObject({ code: "AI_AUTH_FAILED", httpStatus: 403 });
    expect(gemini.calls.at(-1)?.headers["x-goog-api-key"]).toBe("[redacted]");
    expect(String(error) + JSON.stringify(error)).not.toContain("AIza-wrong-secret-key");
  });

  it("refuses misspelt options and an empty model list", () => {
    expect(() => provider({ model: "x" } as never)).toThrow(/model/);
    expect(() => provider({ models: [] })).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });
});
