import { ManualClock } from "@lunas/core/testing";
import {
  type EntitlementStore,
  MemoryEntitlementStore,
  MemoryPaymentSource,
  type ReconcileProgress,
  reconcile,
} from "@lunas/payment-sync";
import { driftScenario } from "@lunas/payment-sync/testing";
import { describe, expect, it } from "vitest";

const instantSleep = async () => {};

describe("reconcile", () => {
  it("refuses bad or misspelt options with INVALID_ARGUMENT before reading anything", async () => {
    const { payments, users } = driftScenario(0);
    const source = new MemoryPaymentSource(payments);
    const entitlements = new MemoryEntitlementStore(users);
    for (const bad of [
      { source, entitlements, mode: "repair" },
      { source, entitlements, mode: "fix", dryrun: true },
      { source, entitlements, mode: "fix", batchSize: 0 },
      { source, entitlements, mode: "fix", concurrency: 1.5 },
      { source: {}, entitlements, mode: "fix" },
      { source, entitlements: { listUsers() {} }, mode: "fix" },
    ]) {
      await expect(reconcile(bad as never)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    }
  });

  it("reads at most `concurrency` pages ahead: memory stays bounded by batchSize × concurrency", async () => {
    const users = Array.from({ length: 200 }, (_, i) => ({
      userId: `u-${String(i).padStart(3, "0")}`,
      items: ["c"],
    }));
    const payments = users.map((u, i) => ({
      paymentId: `p-${i}`,
      userId: u.userId,
      itemId: "c",
      amount: 1,
      paidAt: "2026-01-01T00:00:00.000Z",
      provider: "t",
    }));
    const source = new MemoryPaymentSource(payments);
    let inFlight = 0;
    let peak = 0;
    let largest = 0;
    const paymentsOf = source.paymentsOf.bind(source);
    source.paymentsOf = async (ids) => {
      largest = Math.max(largest, ids.length);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return paymentsOf(ids);
    };
    const report = await reconcile({
      source,
      entitlements: new MemoryEntitlementStore(users),
      mode: "validate",
      batchSize: 10,
      concurrency: 3,
    });
    expect(report.totals.usersChecked).toBe(200);
    expect(report.totals.paymentsChecked).toBe(200);
    expect(largest, "no call asks for more than a batch").toBe(10);
    expect(peak, "concurrency used").toBe(3);
  });

  it("reports progress per batch and the duration from the injected clock", async () => {
    const { payments, users } = driftScenario(6);
    const clock = new ManualClock();
    const seen: ReconcileProgress[] = [];
    const source = new MemoryPaymentSource(payments);
    const paymentsOf = source.paymentsOf.bind(source);
    source.paymentsOf = async (ids) => {
      clock.advance(25);
      return paymentsOf(ids);
    };
    const report = await reconcile({
      source,
      entitlements: new MemoryEntitlementStore(users),
      mode: "validate",
      batchSize: 5,
      clock,
      onProgress: (progress) => {
        seen.push(progress);
        throw new Error("a broken progress bar changes nothing");
      },
    });
    expect(seen.map((p) => p.phase)).toEqual([
      "entitlements",
      "entitlements",
      "entitlements",
      "payments",
      "payments",
      "payments",
    ]);
    expect(seen.at(-1)).toEqual({
      phase: "payments",
      usersChecked: 13,
      paymentsChecked: 14,
      usersWithDrift: 6,
      fixed: 0,
    });
    expect(report.durationMs).toBe(100);
    expect(report.complete).toBe(true);
  });

  it("retries a failing call with core's retry, and reports a user whose repair keeps failing, then goes on", async () => {
    const { payments, users } = driftScenario(3);
    const store = new MemoryEntitlementStore(users);
    let listFailures = 1;
    const flaky: EntitlementStore = {
      listUsers: async (request) => {
        if (listFailures-- > 0) throw new Error("connection reset");
        return store.listUsers(request);
      },
      getUsers: (ids) => store.getUsers(ids),
      grant: async (userId, itemId) => {
        if (userId === "u-missing") throw new Error("throttled");
        return store.grant(userId, itemId);
      },
      revoke: (userId, itemId) => store.revoke(userId, itemId),
      dedupe: (userId, itemId) => store.dedupe(userId, itemId),
    };
    const report = await reconcile({
      source: new MemoryPaymentSource(payments),
      entitlements: flaky,
      mode: "fix",
      sleep: instantSleep,
    });
    expect(report.errors).toEqual([
      { userId: "u-missing", code: "PORT_CALL_FAILED", message: "throttled" },
    ]);
    expect(report.totals.errors).toBe(1);
    expect(report.complete, "every user was checked").toBe(true);
    expect(report.totals.fixed.granted, "the others were repaired").toBe(2);
  });

  it("stops reading at an abort and says the report is incomplete", async () => {
    const { payments, users } = driftScenario(20);
    const controller = new AbortController();
    const report = await reconcile({
      source: new MemoryPaymentSource(payments),
      entitlements: new MemoryEntitlementStore(users),
      mode: "validate",
      batchSize: 2,
      concurrency: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.usersChecked >= 4) controller.abort();
      },
    });
    expect(report.complete).toBe(false);
    expect(report.totals.usersChecked).toBeLessThan(10);
  });

  it("a listing that keeps failing ends the run incomplete with the error, not a crash", async () => {
    const report = await reconcile({
      source: new MemoryPaymentSource(),
      entitlements: {
        listUsers: async () => {
          throw new Error("table gone");
        },
        getUsers: async () => [],
        grant: async () => ({ granted: false }),
        revoke: async () => ({ revoked: false }),
        dedupe: async () => ({ removed: 0 }),
      },
      mode: "validate",
      sleep: instantSleep,
      maxAttempts: 2,
    });
    expect(report.complete).toBe(false);
    expect(report.errors).toEqual([
      { userId: null, code: "PORT_CALL_FAILED", message: "table gone" },
    ]);
  });
});
