import { afterEach, beforeEach, describe, it } from "vitest";
import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import { ManualClock } from "../time/manual-clock.js";
import type { TokenStore } from "../token/token-store.js";
import { caseExpect as expect } from "./case-expect.js";

export interface TokenStoreConformanceContext {
  /** Wire this clock into the store (its `clock` option) so the suite can let leases run out. */
  clock: ManualClock;
}

export type TokenStoreFactory = (
  context: TokenStoreConformanceContext,
) => Promise<{ store: TokenStore; cleanup(): Promise<void> }>;

export interface TokenStoreConformanceOptions {
  /** Require leases (fail when the store has none). Default: test them when the store has them. */
  leases?: boolean;
}

/**
 * The shared `TokenStore` suite: every adapter in Lunas runs it, and an
 * integrator runs it against their own in a vitest file:
 * `tokenStoreConformance("my store", async ({ clock }) => ({ store, cleanup }))`.
 * Each test gets a fresh store from `factory` and calls `cleanup` after it.
 */
export function tokenStoreConformance(
  name: string,
  factory: TokenStoreFactory,
  options: TokenStoreConformanceOptions = {},
): void {
  // Strict: a misspelt `leases` would quietly stop requiring them.
  parseInput(
    z.strictObject({ leases: z.boolean().optional() }),
    options,
    "tokenStoreConformance options",
  );
  describe(`TokenStore conformance: ${name}`, () => {
    let clock: ManualClock;
    let store: TokenStore;
    let cleanup: () => Promise<void>;
    // Not a round number of seconds, so a store that drops milliseconds fails.
    const at = (offsetMs: number) => clock.now() + offsetMs;

    beforeEach(async () => {
      clock = new ManualClock(Date.UTC(2026, 4, 17, 8, 30, 15, 123));
      const created = await factory({ clock });
      store = created.store;
      cleanup = created.cleanup;
    });
    afterEach(async () => {
      await cleanup();
    });

    it("returns null for a key never stored", async () => {
      expect(await store.get("missing:key")).toBeNull();
    });

    it("stores and reads back value and expiry exactly, to the millisecond", async () => {
      const token = {
        value: `eyJhbGciOiJIUzI1NiJ9.${"x".repeat(600)}.sig-'quote"-ünï`,
        expiresAt: at(7 * 86_400_000 + 987),
      };
      await store.set("provider:user@example.com", token);
      expect(await store.get("provider:user@example.com")).toEqual(token);
    });

    it("overwrites the token of an existing key", async () => {
      await store.set("k", { value: "first", expiresAt: at(1_000) });
      await store.set("k", { value: "second", expiresAt: at(2_001) });
      expect(await store.get("k")).toEqual({ value: "second", expiresAt: at(2_001) });
    });

    it("deletes a key, and deleting a missing key is not an error", async () => {
      await store.set("k", { value: "v", expiresAt: at(1_000) });
      await store.delete("k");
      expect(await store.get("k")).toBeNull();
      await expect(store.delete("never-stored")).resolves.toBeUndefined();
    });

    it("compareAndDelete removes the token only while it still has that value", async () => {
      const token = { value: "rejected", expiresAt: at(1_000) };
      await store.set("k", token);
      await store.set("other", token);
      expect(await store.compareAndDelete("k", "rejecte")).toBe(false);
      expect(await store.compareAndDelete("k", "REJECTED")).toBe(false);
      expect(await store.get("k")).toEqual(token);
      expect(await store.compareAndDelete("k", "rejected")).toBe(true);
      expect(await store.get("k")).toBeNull();
      expect(await store.get("other")).toEqual(token);
      expect(await store.compareAndDelete("k", "rejected")).toBe(false);
      expect(await store.compareAndDelete("never-stored", "rejected")).toBe(false);
    });

    it("compareAndDelete keeps a newer token stored in place of the rejected one", async () => {
      await store.set("k", { value: "rejected", expiresAt: at(1_000) });
      await store.set("k", { value: "newer", expiresAt: at(2_000) });
      expect(await store.compareAndDelete("k", "rejected")).toBe(false);
      expect(await store.get("k")).toEqual({ value: "newer", expiresAt: at(2_000) });
    });

    it("compareAndDelete lets exactly one of 20 concurrent callers delete the token", async () => {
      await store.set("k", { value: "rejected", expiresAt: at(1_000) });
      const results = await Promise.all(
        Array.from({ length: 20 }, () => store.compareAndDelete("k", "rejected")),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get("k")).toBeNull();
    });

    it("keeps keys apart, including ones that differ only in case or spacing", async () => {
      const keys = ["a", "A", "a ", "a:b", "a%", "a_"];
      for (const [i, key] of keys.entries()) {
        await store.set(key, { value: `v${i}`, expiresAt: at(1_000 + i) });
      }
      await store.delete("a");
      expect(await store.get("a")).toBeNull();
      for (const [i, key] of keys.entries()) {
        if (key === "a") continue;
        expect(await store.get(key)).toEqual({ value: `v${i}`, expiresAt: at(1_000 + i) });
      }
    });

    it("deleteExpired removes what expired before `now` and keeps the rest", async (ctx) => {
      if (!store.deleteExpired) ctx.skip();
      await store.set("old-1", { value: "a", expiresAt: at(-2) });
      await store.set("old-2", { value: "b", expiresAt: at(-86_400_000) });
      await store.set("now", { value: "c", expiresAt: at(0) });
      await store.set("later", { value: "d", expiresAt: at(1) });
      let expected = 2;
      if (store.acquireLease) {
        expect(await store.acquireLease("lease-old", "h", at(-1))).toBe(true);
        expect(await store.acquireLease("lease-live", "h", at(60_000))).toBe(true);
        expected += 1;
      }
      expect(await store.deleteExpired?.(clock.now())).toBe(expected);
      expect(await store.get("old-1")).toBeNull();
      expect(await store.get("old-2")).toBeNull();
      expect(await store.get("now")).toEqual({ value: "c", expiresAt: at(0) });
      expect(await store.get("later")).toEqual({ value: "d", expiresAt: at(1) });
      if (store.acquireLease) {
        expect(await store.acquireLease("lease-live", "other", at(60_000))).toBe(false);
      }
      expect(await store.deleteExpired?.(clock.now())).toBe(0);
    });

    it("has leases when required", () => {
      if (options.leases) {
        expect(typeof store.acquireLease).toBe("function");
        expect(typeof store.releaseLease).toBe("function");
      } else {
        expect(typeof store.acquireLease).toBe(typeof store.releaseLease);
      }
    });

    describe("leases", () => {
      beforeEach((ctx) => {
        if (!store.acquireLease || !store.releaseLease) ctx.skip();
      });
      const lease = () => {
        const { acquireLease, releaseLease } = store;
        if (!acquireLease || !releaseLease) throw new Error("store has no leases");
        return {
          acquire: (key: string, holder: string, until: number) =>
            acquireLease.call(store, key, holder, until),
          release: (key: string, holder: string) => releaseLease.call(store, key, holder),
        };
      };

      it("is exclusive while it stands, per key, and separate from the token", async () => {
        const { acquire } = lease();
        expect(await acquire("k", "one", at(30_000))).toBe(true);
        expect(await acquire("k", "two", at(30_000))).toBe(false);
        expect(await acquire("other-key", "two", at(30_000))).toBe(true);
        expect(await store.get("k")).toBeNull();
      });

      it("is re-entrant for its holder, which can extend it", async () => {
        const { acquire } = lease();
        expect(await acquire("k", "one", at(1_000))).toBe(true);
        expect(await acquire("k", "one", at(5_000))).toBe(true);
        clock.advance(2_000);
        expect(await acquire("k", "two", at(30_000))).toBe(false);
      });

      it("can be taken over once it has run out", async () => {
        const { acquire } = lease();
        expect(await acquire("k", "one", at(1_000))).toBe(true);
        clock.advance(999);
        expect(await acquire("k", "two", at(30_000))).toBe(false);
        clock.advance(1);
        expect(await acquire("k", "two", at(30_000))).toBe(true);
        expect(await acquire("k", "one", at(30_000))).toBe(false);
      });

      it("is released only by its holder", async () => {
        const { acquire, release } = lease();
        expect(await acquire("k", "one", at(30_000))).toBe(true);
        await release("k", "two");
        expect(await acquire("k", "three", at(30_000))).toBe(false);
        await release("k", "one");
        expect(await acquire("k", "three", at(30_000))).toBe(true);
        await expect(release("never-leased", "one")).resolves.toBeUndefined();
      });

      it("goes to exactly one of 20 holders acquiring at once", async () => {
        const { acquire } = lease();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => acquire("contended", `holder-${i}`, at(30_000))),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });
  });
}
