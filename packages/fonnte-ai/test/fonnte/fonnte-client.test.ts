import { createFonnteClient, FonnteApiError } from "@lunas/fonnte-ai";
import { FakeFonnteServer } from "@lunas/fonnte-ai/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recordingSleep } from "../support/recording-sleep.js";

describe("FonnteClient against the fake Fonnte server", () => {
  let fonnte: FakeFonnteServer;
  let delays: number[];
  const client = (over: Partial<Parameters<typeof createFonnteClient>[0]> = {}) => {
    const timeoutMs = over.timeoutMs ?? 777;
    const recording = recordingSleep(timeoutMs);
    delays = recording.delays;
    return createFonnteClient({
      token: fonnte.token,
      baseUrl: fonnte.url,
      timeoutMs,
      sleep: recording.sleep,
      random: () => 0.5,
      ...over,
    });
  };

  beforeAll(async () => {
    fonnte = await FakeFonnteServer.start();
  });
  afterAll(() => fonnte.close());
  beforeEach(() => {
    delays = [];
    fonnte.calls.length = 0;
    fonnte.sent.length = 0;
  });

  it("sends a message with Fonnte's documented options and reads the answer", async () => {
    const result = await client().send({
      target: "6281234567890",
      message: "Halo *kak*",
      inboxid: "778899",
      countryCode: "62",
      typing: true,
      delay: "1-3",
      connectOnly: true,
    });
    expect(result).toEqual({
      ids: [expect.any(String)],
      targets: ["6281234567890"],
      requestId: expect.any(String),
      detail: "success! message in queue",
    });
    expect(fonnte.sent[0]?.body).toEqual({
      target: "6281234567890",
      message: "Halo *kak*",
      inboxid: "778899",
      countryCode: "62",
      typing: true,
      delay: "1-3",
      connectOnly: true,
    });
  });

  it.each([
    ["token invalid", "status", "FONNTE_TOKEN_INVALID"],
    ["insufficient quota", "Status", "FONNTE_INSUFFICIENT_QUOTA"],
    ["target invalid", "status", "FONNTE_TARGET_INVALID"],
    ["input invalid", "Status", "FONNTE_INPUT_INVALID"],
  ] as const)(
    "HTTP 200 status:false '%s' (key %s) → %s, not retried",
    async (reason, key, code) => {
      fonnte.failNext({ kind: "reason", reason, key });
      const error = await client()
        .send({ target: "6281234567890", message: "x" })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FonnteApiError);
      expect(error).toMatchObject({ code, reason, transient: false, status: 200 });
      expect(fonnte.calls).toHaveLength(1);
      expect(fonnte.sent).toHaveLength(0);
    },
  );

  it("retries a transient refusal (disconnected device, HTTP 503) with backoff, then succeeds", async () => {
    fonnte.failNext({ kind: "reason", reason: "device disconnected" });
    fonnte.failNext({ kind: "http", status: 503, body: "Service Unavailable" });
    const result = await client().send({ target: "6281234567890", message: "x" });
    expect(result.ids).toHaveLength(1);
    expect(fonnte.calls).toHaveLength(3);
    expect(delays).toHaveLength(2);
  });

  it("gives up after maxAttempts with Fonnte's last reason", async () => {
    fonnte.failNext({ kind: "reason", reason: "device disconnected" }, 3);
    await expect(client().send({ target: "6281234567890", message: "x" })).rejects.toMatchObject({
      code: "FONNTE_DEVICE_DISCONNECTED",
      transient: true,
    });
    expect(fonnte.calls).toHaveLength(3);
  });

  it("never puts the device token in an error, even when Fonnte rejects it", async () => {
    const secret = "sk-very-secret-device-token";
    const error = await client({ token: secret })
      .send({ target: "6281234567890", message: "x" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "FONNTE_TOKEN_INVALID" });
    const everything =
      JSON.stringify(error, Object.getOwnPropertyNames(error)) +
      String(error) +
      String((error as Error).stack);
    expect(everything).not.toContain(secret);
    expect(fonnte.calls[0]?.headers.authorization).toBe("[redacted]");
  });

  it.each([
    ["stalls before the headers", "stall", "FONNTE_TIMEOUT"],
    ["stalls in the body", "stall-body", "FONNTE_TIMEOUT"],
    ["drops the connection", "drop", "FONNTE_NETWORK_ERROR"],
  ] as const)(
    "when Fonnte %s: %s, not retried (it may have queued the message)",
    async (_, kind, code) => {
      fonnte.failNext({ kind });
      const started = Date.now();
      await expect(
        client({ timeoutMs: 300 }).send({ target: "6281234567890", message: "x" }),
      ).rejects.toMatchObject({ code });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(fonnte.calls).toHaveLength(1);
    },
  );

  it("refuses bad input and misspelt options before calling Fonnte", async () => {
    await expect(
      client().send({ target: "6281234567890", message: "x", conectOnly: true } as never),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(() => createFonnteClient({ token: "t", timeoutMS: 5 } as never)).toThrow(/timeoutMS/);
    expect(fonnte.calls).toHaveLength(0);
  });
});
