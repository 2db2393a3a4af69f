import { MemoryIdempotencyStore } from "@lunas/core";
import {
  createWhatsAppAiBridge,
  MemoryRateLimiter,
  MemorySessionStore,
  type WhatsAppAiBridgeOptions,
} from "@lunas/fonnte-ai";
import { describe, expect, it } from "vitest";

const valid = (): WhatsAppAiBridgeOptions => ({
  sender: { send: async () => ({ ids: [] }) },
  ai: { generate: async () => ({ text: "", model: "m", blocked: false }) },
  identity: { resolve: async () => null, linkPhone: async () => "no_user" },
  sessions: new MemorySessionStore({ cleanupIntervalMs: 0 }),
  rateLimiter: new MemoryRateLimiter(),
  dedupe: new MemoryIdempotencyStore(),
  secrets: ["a-long-random-webhook-secret"],
});

describe("createWhatsAppAiBridge options", () => {
  it.each([
    ["a misspelt option", { maxMesageChars: 500 }, /maxMesageChars/],
    ["a short secret", { secrets: ["short"] }, /secrets/],
    ["an allow-list without a way to read the IP", { allowedIps: ["10.0.0.1"] }, /clientIp/],
    ["a sender that cannot send", { sender: {} }, /sender/],
    ["a misspelt message", { messages: { unknownSendr: "x" } }, /unknownSendr/],
    [
      "an answer lease no longer than the answer's deadline",
      { answerTimeoutMs: 10_000, answerLeaseMs: 10_000 },
      /answerLeaseMs/,
    ],
    ["no answer lanes", { answerLanes: 0 }, /answerLanes/],
  ])("refuses %s with INVALID_ARGUMENT naming it", (_, change, field) => {
    const attempt = () => createWhatsAppAiBridge({ ...valid(), ...change } as never);
    expect(attempt).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(attempt).toThrow(field);
  });

  it("accepts the minimal options", () => {
    expect(typeof createWhatsAppAiBridge(valid())).toBe("function");
  });
});
