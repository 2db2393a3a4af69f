import { afterEach, beforeEach, describe, it } from "vitest";
import type { ClaimRequest, IdempotencyStore } from "../idempotency/idempotency-store.js";
import { caseExpect as expect } from "./case-expect.js";

export type IdempotencyStoreFactory = () => Promise<{
  store: IdempotencyStore;
  cleanup(): Promise<void>;
}>;

/** Results a store must give back exactly as completed. */
const RESULTS: Record<string, unknown> = {
  object: { orderId: "ord_123", paid: true, amount: 150_000, nested: { list: [1, "two", null] } },
  array: [{ a: 1 }, [], "x", 0, -0.5, false, null],
  string: `unicode ü 日本 "quoted" \\ back\nline`,
  number: 12_345.678,
  integer: Number.MAX_SAFE_INTEGER,
  null: null,
  empty: {},
};

/**
 * The shared `IdempotencyStore` suite: every adapter in Lunas runs it, and an
 * integrator runs it against their own in a vitest file:
 * `idempotencyStoreConformance("my store", async () => ({ store, cleanup }))`.
 * Each test gets a fresh store from `factory` and calls `cleanup` after it.
 * It checks what the store holds through `get`, not only what verbs answer.
 */
export function idempotencyStoreConformance(name: string, factory: IdempotencyStoreFactory): void {
  describe(`IdempotencyStore conformance: ${name}`, () => {
    let store: IdempotencyStore;
    let cleanup: () => Promise<void>;
    // Not a round number of seconds, so a store that drops milliseconds fails.
    const T0 = Date.UTC(2026, 4, 17, 8, 30, 15, 123);
    const LEASE = 30_000;
    const RETENTION = 86_400_000;
    const request = (overrides: Partial<ClaimRequest> = {}): ClaimRequest => ({
      key: "xendit:evt_1",
      fingerprint: "f".repeat(64),
      holder: "holder-a",
      now: T0,
      leaseExpiresAt: T0 + LEASE,
      expiresAt: T0 + RETENTION,
      ...overrides,
    });

    beforeEach(async () => {
      const created = await factory();
      store = created.store;
      cleanup = created.cleanup;
    });
    afterEach(async () => {
      await cleanup();
    });

    it("answers null for a key never claimed", async () => {
      expect(await store.get("never:claimed")).toBeNull();
    });

    it("acquires a new key and stores an in-progress record, to the millisecond", async () => {
      const outcome = await store.claim(request());
      const expected = {
        key: "xendit:evt_1",
        fingerprint: "f".repeat(64),
        status: "in_progress",
        holder: "holder-a",
        leaseExpiresAt: T0 + LEASE,
        expiresAt: T0 + RETENTION,
      };
      expect(outcome).toEqual({ status: "acquired", record: expected });
      expect(await store.get("xendit:evt_1")).toEqual(expected);
    });

    it("answers in_progress with the holder's record to a second holder, changing nothing", async () => {
      await store.claim(request());
      const before = await store.get("xendit:evt_1");
      const outcome = await store.claim(
        request({ holder: "holder-b", fingerprint: "b".repeat(64), now: T0 + 1_000 }),
      );
      expect(outcome.status).toBe("in_progress");
      expect(outcome.record).toEqual(before);
      expect(await store.get("xendit:evt_1")).toEqual(before);
    });

    it("lets the same holder claim its own in-progress key again (a retried claim), renewing the lease", async () => {
      await store.claim(request());
      const outcome = await store.claim(
        request({ now: T0 + 5_000, leaseExpiresAt: T0 + 5_000 + LEASE }),
      );
      expect(outcome.status).toBe("acquired");
      expect((await store.get("xendit:evt_1"))?.leaseExpiresAt).toBe(T0 + 5_000 + LEASE);
    });

    it("keeps the lease up to its end and lets another holder take over once it has passed", async () => {
      await store.claim(request());
      const atEnd = await store.claim(request({ holder: "holder-b", now: T0 + LEASE }));
      expect(atEnd.status).toBe("in_progress");

      const later = T0 + LEASE + 1;
      const takeover = await store.claim(
        request({ holder: "holder-b", now: later, leaseExpiresAt: later + LEASE }),
      );
      expect(takeover.status).toBe("acquired");
      expect(await store.get("xendit:evt_1")).toMatchObject({
        status: "in_progress",
        holder: "holder-b",
        leaseExpiresAt: later + LEASE,
      });
      // The first holder lost it: its completion is refused and changes nothing.
      expect(
        await store.complete("xendit:evt_1", "holder-a", { late: true }, T0 + RETENTION, later),
      ).toBe(false);
      expect(await store.get("xendit:evt_1")).toMatchObject({
        status: "in_progress",
        holder: "holder-b",
      });
    });

    it("completes for the holder and gives every kind of JSON result back exactly", async () => {
      for (const [kind, result] of Object.entries(RESULTS)) {
        const key = `result:${kind}`;
        await store.claim(request({ key }));
        expect(await store.complete(key, "holder-a", result, T0 + 2 * RETENTION, T0)).toBe(true);
        const stored = await store.get(key);
        expect(stored).toEqual({
          key,
          fingerprint: "f".repeat(64),
          status: "completed",
          holder: "holder-a",
          leaseExpiresAt: T0 + LEASE,
          expiresAt: T0 + 2 * RETENTION,
          result,
        });
        expect(stored && "result" in stored).toBe(true);
        const replay = await store.claim(request({ key, holder: "holder-b", now: T0 + 1 }));
        expect(replay.status).toBe("completed");
        expect(replay.record.result).toEqual(result);
      }
    });

    it("keeps 'no result' (undefined) apart from a null result", async () => {
      await store.claim(request({ key: "void" }));
      expect(await store.complete("void", "holder-a", undefined, T0 + RETENTION, T0)).toBe(true);
      const stored = await store.get("void");
      expect(stored?.status).toBe("completed");
      expect(stored && "result" in stored).toBe(false);
      const replay = await store.claim(request({ key: "void", holder: "holder-b" }));
      expect(replay.status).toBe("completed");
      expect("result" in replay.record).toBe(false);
    });

    it("refuses completion by a non-holder and stays in progress without a result", async () => {
      await store.claim(request());
      expect(await store.complete("xendit:evt_1", "holder-b", { stolen: true }, T0 + 1, T0)).toBe(
        false,
      );
      const stored = await store.get("xendit:evt_1");
      expect(stored).toMatchObject({ status: "in_progress", holder: "holder-a" });
      expect(stored && "result" in stored).toBe(false);
      expect(await store.complete("not:claimed", "holder-a", 1, T0 + 1, T0)).toBe(false);
      expect(await store.get("not:claimed")).toBeNull();
    });

    it("refuses a second completion of a completed key, keeping the first result", async () => {
      await store.claim(request());
      await store.complete("xendit:evt_1", "holder-a", "first", T0 + RETENTION, T0);
      expect(await store.complete("xendit:evt_1", "holder-a", "second", T0 + RETENTION, T0)).toBe(
        false,
      );
      expect((await store.get("xendit:evt_1"))?.result).toBe("first");
    });

    it("releases the holder's claim so the next claim acquires; others cannot release it", async () => {
      await store.claim(request());
      await store.release("xendit:evt_1", "holder-b", T0);
      expect((await store.get("xendit:evt_1"))?.holder).toBe("holder-a");

      await store.release("xendit:evt_1", "holder-a", T0);
      expect(await store.get("xendit:evt_1")).toBeNull();
      const next = await store.claim(request({ holder: "holder-b", now: T0 + 1 }));
      expect(next.status).toBe("acquired");
      expect((await store.get("xendit:evt_1"))?.holder).toBe("holder-b");
    });

    it("never releases a completed record", async () => {
      await store.claim(request());
      await store.complete("xendit:evt_1", "holder-a", { done: 1 }, T0 + RETENTION, T0);
      await store.release("xendit:evt_1", "holder-a", T0);
      expect(await store.get("xendit:evt_1")).toMatchObject({
        status: "completed",
        result: { done: 1 },
      });
    });

    it("replaces a completed record once it has expired", async () => {
      await store.claim(request());
      await store.complete("xendit:evt_1", "holder-a", { old: true }, T0 + 10_000, T0);
      const atExpiry = await store.claim(request({ holder: "holder-b", now: T0 + 10_000 }));
      expect(atExpiry.status).toBe("completed");

      const later = T0 + 10_001;
      const outcome = await store.claim(
        request({
          holder: "holder-b",
          fingerprint: "c".repeat(64),
          now: later,
          leaseExpiresAt: later + LEASE,
          expiresAt: later + RETENTION,
        }),
      );
      expect(outcome.status).toBe("acquired");
      const stored = await store.get("xendit:evt_1");
      expect(stored).toEqual({
        key: "xendit:evt_1",
        fingerprint: "c".repeat(64),
        status: "in_progress",
        holder: "holder-b",
        leaseExpiresAt: later + LEASE,
        expiresAt: later + RETENTION,
      });
    });

    it("purges only records whose expiry is before now, and counts them", async () => {
      await store.claim(request({ key: "gone:in-progress", expiresAt: T0 + 100 }));
      await store.claim(request({ key: "gone:completed" }));
      await store.complete("gone:completed", "holder-a", 1, T0 + 200, T0);
      await store.claim(request({ key: "kept:boundary", expiresAt: T0 + 300 }));
      await store.claim(request({ key: "kept:live" }));
      await store.complete("kept:live", "holder-a", 2, T0 + RETENTION, T0);

      expect(await store.purgeExpired(T0 + 300)).toBe(2);
      expect(await store.get("gone:in-progress")).toBeNull();
      expect(await store.get("gone:completed")).toBeNull();
      expect(await store.get("kept:boundary")).toMatchObject({ status: "in_progress" });
      expect(await store.get("kept:live")).toMatchObject({ status: "completed", result: 2 });
      expect(await store.purgeExpired(T0 + 300)).toBe(0);
    });

    it("gives exactly one of 50 concurrent holders the key", async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.claim(request({ holder: `holder-${i}` }))),
      );
      const acquired = outcomes.filter((outcome) => outcome.status === "acquired");
      expect(acquired).toHaveLength(1);
      const winner = acquired[0]?.record.holder;
      for (const outcome of outcomes) {
        expect(outcome.record.holder).toBe(winner);
        if (outcome.status !== "acquired") expect(outcome.status).toBe("in_progress");
      }
      expect((await store.get("xendit:evt_1"))?.holder).toBe(winner);
    });
  });
}
