import { caseExpect as expect } from "@lunas/core/conformance";
import { ManualClock } from "@lunas/core/testing";
import { afterEach, beforeEach, describe, it } from "vitest";
import type { SessionStore } from "../session/session-store.js";

export interface SessionStoreConformanceContext {
  /** Times passed to the store come from it; wire it into timers the adapter has. */
  clock: ManualClock;
}

/**
 * The store must be configured with `maxMessages: 6` and `ttlMs: 60_000`
 * (the suite's policy).
 */
export type SessionStoreFactory = (
  context: SessionStoreConformanceContext,
) => Promise<{ store: SessionStore; cleanup(): Promise<void> }>;

export const SESSION_CONFORMANCE_POLICY = { maxMessages: 6, ttlMs: 60_000 } as const;

const user = (text: string) => ({ role: "user" as const, text });
const model = (text: string) => ({ role: "model" as const, text });

/**
 * The shared `SessionStore` suite: `sessionStoreConformance("my store", async ({ clock }) => ({ store, cleanup }))`
 * with the store configured by `SESSION_CONFORMANCE_POLICY`.
 */
export function sessionStoreConformance(name: string, factory: SessionStoreFactory): void {
  describe(`SessionStore conformance: ${name}`, () => {
    let clock: ManualClock;
    let store: SessionStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      clock = new ManualClock(Date.UTC(2026, 4, 17, 8, 30, 15, 123));
      ({ store, cleanup } = await factory({ clock }));
    });
    afterEach(async () => {
      await cleanup();
    });

    it("reads an unknown sender as an empty history", async () => {
      expect(await store.read("6281200000001", clock.now()), "unknown sender").toEqual([]);
    });

    it("appends in order and reads back exactly (unicode, quotes, newlines)", async () => {
      const text = `Halo "kak" 'ya' ünï 😀\nbaris dua \\ ${"x".repeat(2000)}`;
      await store.append("6281200000001", [user(text), model("Jawaban *tebal*")], clock.now());
      await store.append("6281200000001", [user("dua"), model("jawab dua")], clock.now());
      expect(await store.read("6281200000001", clock.now()), "read back in order").toEqual([
        user(text),
        model("Jawaban *tebal*"),
        user("dua"),
        model("jawab dua"),
      ]);
      expect(await store.read("6281200000002", clock.now()), "other sender untouched").toEqual([]);
    });

    it("trims by whole turns so the history starts with a user message", async () => {
      for (let i = 1; i <= 4; i++) {
        await store.append("s", [user(`u${i}`), model(`m${i}`)], clock.now());
      }
      expect(await store.read("s", clock.now()), "last three whole turns").toEqual([
        user("u2"),
        model("m2"),
        user("u3"),
        model("m3"),
        user("u4"),
        model("m4"),
      ]);
      // A turn with two replies: dropping one message would leave a reply first.
      await store.append("s", [user("u5"), model("m5a"), model("m5b")], clock.now());
      const history = await store.read("s", clock.now());
      expect(history[0]?.role, "starts with a user turn").toBe("user");
      expect(history, "whole turns only").toEqual([
        user("u4"),
        model("m4"),
        user("u5"),
        model("m5a"),
        model("m5b"),
      ]);
    });

    it("expires a session after its TTL and counts only live ones", async () => {
      await store.append("a", [user("1"), model("1")], clock.now());
      clock.advance(30_000);
      await store.append("b", [user("2"), model("2")], clock.now());
      expect(await store.countActive(clock.now()), "both live").toBe(2);
      clock.advance(30_001);
      expect(await store.read("a", clock.now()), "a expired").toEqual([]);
      expect(await store.read("b", clock.now()), "b live").toHaveLength(2);
      expect(await store.countActive(clock.now()), "one live").toBe(1);
    });

    it("an append restarts the TTL; an append to an expired session starts fresh", async () => {
      await store.append("a", [user("1"), model("1")], clock.now());
      clock.advance(50_000);
      await store.append("a", [user("2"), model("2")], clock.now());
      clock.advance(50_000);
      expect(await store.read("a", clock.now()), "kept alive by the append").toHaveLength(4);
      clock.advance(60_001);
      await store.append("a", [user("3"), model("3")], clock.now());
      expect(await store.read("a", clock.now()), "expired history not revived").toEqual([
        user("3"),
        model("3"),
      ]);
    });

    it("deletes a session and purges expired ones", async () => {
      await store.append("a", [user("1"), model("1")], clock.now());
      await store.append("b", [user("1"), model("1")], clock.now());
      await store.delete("a");
      expect(await store.read("a", clock.now()), "deleted").toEqual([]);
      clock.advance(60_001);
      await store.append("c", [user("1"), model("1")], clock.now());
      expect(await store.purgeExpired(clock.now()), "purged b").toBe(1);
      expect(await store.countActive(clock.now()), "c left").toBe(1);
    });

    it("concurrent appends to one session lose nothing", async () => {
      await Promise.all(
        [1, 2, 3].map((i) => store.append("c", [user(`u${i}`), model(`m${i}`)], clock.now())),
      );
      const history = await store.read("c", clock.now());
      expect(history, "all three turns").toHaveLength(6);
      expect(
        history
          .filter((m) => m.role === "user")
          .map((m) => m.text)
          .sort(),
        "each once",
      ).toEqual(["u1", "u2", "u3"]);
    });
  });
}
