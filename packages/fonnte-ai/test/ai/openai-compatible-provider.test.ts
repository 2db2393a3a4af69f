import { createOpenAiCompatibleProvider } from "@lunas/fonnte-ai";
import { FakeOpenAiServer } from "@lunas/fonnte-ai/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recordingSleep } from "../support/recording-sleep.js";

describe("OpenAI-compatible provider against the fake server", () => {
  let server: FakeOpenAiServer;
  let delays: number[];
  const provider = (over: Partial<Parameters<typeof createOpenAiCompatibleProvider>[0]> = {}) => {
    const timeoutMs = over.timeoutMs ?? 1_777;
    const recording = recordingSleep(timeoutMs);
    delays = recording.delays;
    return createOpenAiCompatibleProvider({
      apiKey: server.apiKey,
      baseUrl: `${server.url}/v1`,
      models: ["gpt-4o-mini", "llama-3.1-8b"],
      timeoutMs,
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
    server = await FakeOpenAiServer.start();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    delays = [];
    server.requests.length = 0;
  });

  it("sends system, user and assistant messages and extra parameters", async () => {
    const reply = await ask(provider({ parameters: { temperature: 0.2 } }));
    expect(reply).toEqual({
      text: "Jawaban untuk: Apa kabar?",
      model: "gpt-4o-mini",
      blocked: false,
    });
    expect(server.requests[0]).toMatchObject({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Jawab singkat." },
        { role: "user", content: "Halo" },
        { role: "assistant", content: "Halo juga" },
        { role: "user", content: "Apa kabar?" },
      ],
      body: { temperature: 0.2 },
    });
  });

  it("429 honours Retry-After; insufficient_quota moves to the next model without retrying", async () => {
    server.failNext("gpt-4o-mini", { kind: "http", status: 429, retryAfterSeconds: 3 });
    expect((await ask()).model).toBe("gpt-4o-mini");
    expect(delays).toEqual([3_000]);

    delays = [];
    server.failNext("gpt-4o-mini", { kind: "http", status: 429, code: "insufficient_quota" });
    expect((await ask()).model).toBe("llama-3.1-8b");
    expect(delays).toEqual([]);
  });

  it("a content filter stop becomes the polite reply; a wrong key is AI_AUTH_FAILED", async () => {
    server.failNext("gpt-4o-mini", { kind: "content-filter" });
    expect(await ask()).toMatchObject({ blocked: true });
    await expect(ask(provider({ apiKey: "sk-wrong" }))).rejects.toMatchObject({
      code: "AI_AUTH_FAILED",
      httpStatus: 401,
    });
  });
});
