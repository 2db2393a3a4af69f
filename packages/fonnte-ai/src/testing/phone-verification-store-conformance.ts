import { caseExpect as expect } from "@lunas/core/conformance";
import { afterEach, beforeEach, describe, it } from "vitest";
import type {
  PendingVerification,
  PhoneVerificationStore,
} from "../verification/phone-verification-store.js";

export type PhoneVerificationStoreFactory = () => Promise<{
  store: PhoneVerificationStore;
  cleanup(): Promise<void>;
}>;

const T0 = Date.UTC(2026, 4, 17, 8, 30, 15, 123);
const pending = (over: Partial<PendingVerification> = {}): PendingVerification => ({
  userId: "user-1",
  phone: "6281234567890",
  codeHash: "a".repeat(64),
  attempts: 0,
  expiresAt: T0 + 600_000,
  createdAt: T0,
  ...over,
});

/** The shared `PhoneVerificationStore` suite. */
export function phoneVerificationStoreConformance(
  name: string,
  factory: PhoneVerificationStoreFactory,
): void {
  describe(`PhoneVerificationStore conformance: ${name}`, () => {
    let store: PhoneVerificationStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await factory());
    });
    afterEach(async () => {
      await cleanup();
    });

    it("stores, replaces and deletes one pending verification per user, to the millisecond", async () => {
      await store.put(pending());
      expect(await store.get("user-1"), "read back").toEqual(pending());
      await store.put(pending({ phone: "6285712345678", codeHash: "b".repeat(64) }));
      expect(await store.get("user-1"), "replaced").toEqual(
        pending({ phone: "6285712345678", codeHash: "b".repeat(64) }),
      );
      await store.delete("user-1");
      expect(await store.get("user-1"), "deleted").toBeNull();
    });

    it("consumes attempts up to the limit, then refuses", async () => {
      await store.put(pending());
      const attempts = [];
      for (let i = 0; i < 4; i++) attempts.push(await store.consumeAttempt("user-1", 3, T0));
      expect(
        attempts.map((a) => a?.attempts ?? null),
        "three then none",
      ).toEqual([1, 2, 3, null]);
    });

    it("counts concurrent attempts exactly", async () => {
      await store.put(pending());
      const attempts = await Promise.all(
        Array.from({ length: 8 }, () => store.consumeAttempt("user-1", 5, T0)),
      );
      expect(
        attempts.filter((a) => a !== null),
        "exactly five",
      ).toHaveLength(5);
    });

    it("refuses an attempt on an expired or missing verification", async () => {
      await store.put(pending());
      expect(await store.consumeAttempt("user-1", 5, T0 + 600_000), "expired").toBeNull();
      expect(await store.consumeAttempt("nobody", 5, T0), "missing").toBeNull();
    });
  });
}
