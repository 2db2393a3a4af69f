import { createIdempotentProcessor, fingerprintPayload, MemoryIdempotencyStore } from "@lunas/core";
import { ManualClock } from "@lunas/core/testing";
import { describe, expect, it } from "vitest";

const webCryptoHex = async (text: string) =>
  Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");

// Payloads whose keys are already in order, so their canonical JSON is JSON.stringify's.
const payloads: unknown[] = [
  null,
  "",
  0,
  { a: 1 },
  { sender: "6281234567890", text: "Halo, apa kabar? 👋 é ñ 中文 \u2028" },
  { a: [1, "two", { b: null, c: true }], d: -0.5, e: "\u0000\uffff" },
  { long: "x".repeat(10_000), nested: { deeper: { deepest: [[[]]] } } },
  Array.from({ length: 300 }, (_, i) => ({ i, s: String.fromCodePoint(0x1f600 + (i % 50)) })),
];

describe("fingerprintPayload keeps the value it had under Web Crypto", () => {
  it("equals crypto.subtle SHA-256 of the canonical JSON for every kind of payload", async () => {
    for (const payload of payloads) {
      expect(await fingerprintPayload(payload)).toBe(await webCryptoHex(JSON.stringify(payload)));
    }
  });

  it("replays a claim stored by the Web Crypto version instead of calling it a payload mismatch", async () => {
    const store = new MemoryIdempotencyStore();
    const clock = new ManualClock();
    const now = clock.now();
    const payload = { sender: "6281234567890", text: "Halo, apa kabar? 👋 é" };
    // Written by the earlier fingerprint (crypto.subtle.digest over the same canonical JSON).
    const storedFingerprint = "b661458fb78d1078cde3a7b50ddd07c80ed3fe497767c4c87444f43e69b20425";
    const key = "fonnte-ai:inbox:stored-before";
    await store.claim({
      key,
      fingerprint: storedFingerprint,
      holder: "earlier-release",
      now,
      leaseExpiresAt: now + 60_000,
      expiresAt: now + 86_400_000,
    });
    await store.complete(key, "earlier-release", { answered: true }, now + 86_400_000, now);

    const processor = createIdempotentProcessor({ store, clock });
    let ran = false;
    const outcome = await processor.run(key, payload, async () => {
      ran = true;
      return { answered: false };
    });
    expect(outcome).toEqual({ result: { answered: true }, replayed: true });
    expect(ran).toBe(false);
  });
});
