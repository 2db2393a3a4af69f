import { caseExpect as expect } from "@lunas/core/conformance";
import { ManualClock } from "@lunas/core/testing";
import { afterEach, beforeEach, describe, it } from "vitest";
import type { Purchase, StoredVoucher, VoucherStore } from "../purchases/voucher-store.js";

export interface VoucherStoreConformanceContext {
  clock: ManualClock;
}

/** A fresh, empty, migrated store. */
export type VoucherStoreFactory = (
  context: VoucherStoreConformanceContext,
) => Promise<{ store: VoucherStore; cleanup(): Promise<void> }>;

/**
 * The shared `VoucherStore` suite:
 * `voucherStoreConformance("my store", async ({ clock }) => ({ store, cleanup }))`.
 */
export function voucherStoreConformance(name: string, factory: VoucherStoreFactory): void {
  describe(`VoucherStore conformance: ${name}`, () => {
    let clock: ManualClock;
    let store: VoucherStore;
    let cleanup: () => Promise<void>;

    const purchase = (id: string, extra: Partial<Purchase> = {}): Purchase => ({
      id,
      status: "pending",
      quantity: 3,
      plan: {
        profile: "1-hari",
        mode: "vc",
        length: 6,
        prefix: "0",
        charset: "num",
        timeLimit: "1d",
        dataLimit: "2GB",
      },
      customerPhone: "6281234567890",
      createdAt: clock.now(),
      updatedAt: clock.now(),
      paidAt: null,
      expiresAt: clock.now() + 3_600_123,
      lastError: null,
      generationAttempts: 0,
      ...extra,
    });
    const voucher = (purchaseId: string, username: string, password = username): StoredVoucher => ({
      purchaseId,
      username,
      password,
      routerId: `*${username}`,
      createdAt: clock.now() + 7,
    });

    beforeEach(async () => {
      // Not a round second, so a store that drops milliseconds fails.
      clock = new ManualClock(Date.UTC(2026, 4, 17, 8, 30, 15, 123));
      ({ store, cleanup } = await factory({ clock }));
    });
    afterEach(async () => {
      await cleanup();
    });

    it("stores a purchase and reads it back exactly; a second insert of the id changes nothing", async () => {
      const p = purchase("ORD-1");
      expect(await store.insertPurchase(p), "insert: new").toBe(true);
      expect(await store.getPurchase("ORD-1"), "insert: read back").toEqual(p);
      expect(await store.insertPurchase({ ...p, quantity: 9 }), "insert: duplicate").toBe(false);
      expect((await store.getPurchase("ORD-1"))?.quantity, "insert: unchanged").toBe(3);
      expect(await store.getPurchase("ORD-2"), "insert: unknown is null").toBeNull();
    });

    it("changes a status only from the allowed ones", async () => {
      await store.insertPurchase(purchase("ORD-1"));
      expect(
        await store.changeStatus("ORD-1", { from: ["completed"], to: "failed", at: clock.now() }),
        "change: wrong from",
      ).toBeNull();
      const changed = await store.changeStatus("ORD-1", {
        from: ["pending"],
        to: "voucher_generation_failed",
        at: clock.now() + 5,
        lastError: "router down",
        paidAt: clock.now() + 1,
        addAttempts: 3,
      });
      expect(changed, "change: applied").toMatchObject({
        status: "voucher_generation_failed",
        updatedAt: clock.now() + 5,
        lastError: "router down",
        paidAt: clock.now() + 1,
        generationAttempts: 3,
      });
      const kept = await store.changeStatus("ORD-1", {
        from: ["voucher_generation_failed"],
        to: "voucher_generation_failed",
        at: clock.now() + 6,
        addAttempts: 1,
      });
      expect(kept, "change: lastError kept when absent").toMatchObject({
        lastError: "router down",
        generationAttempts: 4,
        paidAt: clock.now() + 1,
      });
      expect(await store.getPurchase("ORD-1"), "change: persisted").toEqual(kept);
    });

    it("completes a purchase with its vouchers in one step, codes kept as strings", async () => {
      await store.insertPurchase(purchase("ORD-1"));
      const vouchers = [
        voucher("ORD-1", "0123"),
        voucher("ORD-1", "true", "0007"),
        voucher("ORD-1", "ABC"),
      ];
      const done = await store.completePurchase("ORD-1", vouchers, {
        from: ["pending"],
        at: clock.now() + 9,
        addAttempts: 1,
      });
      expect(done, "complete: status").toMatchObject({ status: "completed", lastError: null });
      const stored = await store.listVouchers("ORD-1");
      expect(
        stored.map((v) => v.username),
        "complete: ordered by username, strings",
      ).toEqual(["0123", "ABC", "true"]);
      expect(
        stored.find((v) => v.username === "true"),
        "complete: fields",
      ).toEqual(vouchers[1]);
      expect(
        await store.completePurchase("ORD-1", [voucher("ORD-1", "x")], {
          from: ["pending"],
          at: clock.now(),
          addAttempts: 1,
        }),
        "complete: not twice",
      ).toBeNull();
      expect(await store.listVouchers("ORD-1"), "complete: vouchers unchanged").toHaveLength(3);
      expect(await store.deleteVouchers("ORD-1"), "delete: count").toBe(3);
      expect(await store.listVouchers("ORD-1"), "delete: none left").toEqual([]);
    });

    it("keeps the delivery log in attempt order", async () => {
      await store.insertPurchase(purchase("ORD-1"));
      await store.recordDelivery({
        purchaseId: "ORD-1",
        attempt: 1,
        status: "error",
        errorMessage: "timeout",
        providerMessageId: null,
        createdAt: clock.now() + 1,
      });
      await store.recordDelivery({
        purchaseId: "ORD-1",
        attempt: 2,
        status: "sent",
        errorMessage: null,
        providerMessageId: "msg-1",
        createdAt: clock.now() + 2,
      });
      const log = await store.listDeliveries("ORD-1");
      expect(
        log.map((d) => [d.attempt, d.status, d.errorMessage]),
        "log: order",
      ).toEqual([
        [1, "error", "timeout"],
        [2, "sent", null],
      ]);
      expect(log[1]?.createdAt, "log: time").toBe(clock.now() + 2);
      expect(await store.listDeliveries("ORD-2"), "log: other purchase").toEqual([]);
    });

    it("lists purchases newest first with a status filter and paging", async () => {
      for (let i = 0; i < 5; i++) {
        await store.insertPurchase(
          purchase(`ORD-${i}`, {
            createdAt: clock.now() + i,
            status: i % 2 ? "completed" : "pending",
          }),
        );
      }
      const all = await store.listPurchases({ limit: 2, offset: 1 });
      expect(all.total, "list: total").toBe(5);
      expect(
        all.purchases.map((p) => p.id),
        "list: page 2 newest first",
      ).toEqual(["ORD-3", "ORD-2"]);
      const pending = await store.listPurchases({ status: "pending", limit: 10, offset: 0 });
      expect(
        pending.purchases.map((p) => p.id),
        "list: filter",
      ).toEqual(["ORD-4", "ORD-2", "ORD-0"]);
      expect(pending.total, "list: filtered total").toBe(3);
      expect(await store.listPurchases({ limit: 5, offset: 10 }), "list: past the end").toEqual({
        purchases: [],
        total: 5,
      });
    });

    it("lists pending purchases past their expiry, oldest first", async () => {
      const now = clock.now();
      await store.insertPurchase(purchase("late", { expiresAt: now - 10 }));
      await store.insertPurchase(purchase("later", { expiresAt: now - 20 }));
      await store.insertPurchase(purchase("fresh", { expiresAt: now + 10 }));
      await store.insertPurchase(purchase("never", { expiresAt: null }));
      await store.insertPurchase(purchase("paid", { expiresAt: now - 30, status: "completed" }));
      expect(
        (await store.listExpiredPending(now, 10)).map((p) => p.id),
        "expiry: list",
      ).toEqual(["later", "late"]);
      expect(await store.listExpiredPending(now, 1), "expiry: limit").toHaveLength(1);
    });

    it("counts purchases, vouchers and deliveries for the dashboard", async () => {
      await store.insertPurchase(purchase("a"));
      await store.insertPurchase(purchase("b"));
      await store.insertPurchase(purchase("c"));
      await store.completePurchase("a", [voucher("a", "x1"), voucher("a", "x2")], {
        from: ["pending"],
        at: clock.now(),
        addAttempts: 1,
      });
      await store.completePurchase("b", [voucher("b", "y1")], {
        from: ["pending"],
        at: clock.now(),
        addAttempts: 1,
      });
      await store.recordDelivery({
        purchaseId: "a",
        attempt: 1,
        status: "sent",
        errorMessage: null,
        providerMessageId: null,
        createdAt: clock.now(),
      });
      await store.recordDelivery({
        purchaseId: "b",
        attempt: 1,
        status: "failed",
        errorMessage: "invalid number",
        providerMessageId: null,
        createdAt: clock.now(),
      });
      expect(await store.statistics(), "statistics").toEqual({
        purchases: {
          pending: 1,
          completed: 2,
          failed: 0,
          expired: 0,
          voucher_generation_failed: 0,
        },
        totalPurchases: 3,
        vouchers: 3,
        deliveryAttempts: { sent: 1, failed: 1, error: 0 },
        delivered: 1,
        undelivered: 1,
      });
    });
  });
}
