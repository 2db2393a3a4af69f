import { caseExpect as expect } from "@lunas/core/conformance";
import { ManualClock } from "@lunas/core/testing";
import { afterEach, describe, it } from "vitest";
import type { Payment, PaymentSource } from "../payments/payment-source.js";
import { buildPayment } from "./payment-builders.js";

export interface PaymentSourceConformanceContext {
  clock: ManualClock;
  /** Successful payments the source must hold when the factory resolves. */
  payments: Payment[];
}

export type PaymentSourceFactory = (
  context: PaymentSourceConformanceContext,
) => Promise<{ source: PaymentSource; cleanup(): Promise<void> }>;

export interface PaymentSourceConformanceOptions {
  /** The `provider` the source reports (a ledger of one provider cannot store another). Default `midtrans`. */
  provider?: string;
  /** `false` for read-only sources (the Xendit ledger): `recordPayment` is then not tested. Default true. */
  records?: boolean;
}

/**
 * The shared `PaymentSource` suite. Every adapter in `@lunas/payment-sync`
 * runs it; run it against your own in a vitest file:
 * `paymentSourceConformance("my source", async ({ payments }) => ({ source, cleanup }))`.
 */
export function paymentSourceConformance(
  name: string,
  factory: PaymentSourceFactory,
  options: PaymentSourceConformanceOptions = {},
): void {
  const provider = options.provider ?? "midtrans";
  const pay = (overrides: Partial<Payment> & { paymentId: string }) =>
    buildPayment({ provider, ...overrides });

  describe(`PaymentSource conformance: ${name}`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    const open = async (payments: Payment[]) => {
      const created = await factory({ clock: new ManualClock(), payments });
      cleanup = created.cleanup;
      return created.source;
    };
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it("an empty source lists no users and no payments", async () => {
      const source = await open([]);
      expect(await source.listPaymentUsers({ cursor: null, limit: 10 }), "empty listing").toEqual({
        items: [],
        cursor: null,
      });
      expect(await source.paymentsOf(["nobody"]), "empty paymentsOf").toEqual([]);
    });

    it("lists every paying user over pages of at most `limit`, none twice on a page", async () => {
      const payments = Array.from({ length: 23 }, (_, i) =>
        pay({ paymentId: `p-${i}`, userId: `user-${i % 11}`, itemId: `c-${i % 4}` }),
      );
      const source = await open(payments);
      const seen = new Set<string>();
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await source.listPaymentUsers({ cursor, limit: 3 });
        expect(page.items.length, "page size").toBeLessThanOrEqual(3);
        expect(new Set(page.items).size, "no user twice on one page").toBe(page.items.length);
        for (const user of page.items) seen.add(user);
        cursor = page.cursor;
        pages++;
        expect(pages, "listing terminates").toBeLessThan(50);
      } while (cursor !== null);
      expect([...seen].sort(), "every paying user listed").toEqual(
        Array.from({ length: 11 }, (_, i) => `user-${i}`).sort(),
      );
    });

    it("returns exactly the payments of the users asked for, every field intact", async () => {
      const odd = pay({
        paymentId: "order-'quote\"-ü",
        userId: "User@Example.com",
        itemId: "course/üñï 1",
        amount: 150_000.5,
        paidAt: "2026-05-17T08:30:15.123Z",
      });
      const payments = [
        odd,
        pay({ paymentId: "p-2", userId: "user@example.com", itemId: "course-2" }),
        pay({ paymentId: "p-3", userId: "other", itemId: "course-3", amount: 1 }),
        pay({ paymentId: "p-4", userId: "other", itemId: "course-4", amount: 2 }),
      ];
      const source = await open(payments);
      const sorted = (list: Payment[]) =>
        [...list].sort((a, b) => (a.paymentId < b.paymentId ? -1 : 1));
      expect(
        sorted(await source.paymentsOf(["User@Example.com"])),
        "case-sensitive user ids",
      ).toEqual([odd]);
      expect(sorted(await source.paymentsOf(["other", "nobody"])), "two users").toEqual(
        sorted(payments.slice(2)),
      );
      expect(await source.paymentsOf([]), "no users asked").toEqual([]);
    });

    if (options.records === false) return;
    it("records a payment once per paymentId, also when delivered ten times at once", async () => {
      const source = await open([]);
      expect(typeof source.recordPayment, "recordPayment is implemented").toBe("function");
      const payment = pay({ paymentId: "order-77", userId: "u-77", itemId: "course-77" });
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () => source.recordPayment?.(payment)),
      );
      expect(outcomes.filter((o) => o?.recorded).length, "one delivery records").toBe(1);
      expect(
        await source.recordPayment?.({ ...payment, amount: 1 }),
        "a replay changes nothing",
      ).toEqual({
        recorded: false,
      });
      expect(await source.paymentsOf(["u-77"]), "stored once, first version").toEqual([payment]);
      expect((await source.listPaymentUsers({ cursor: null, limit: 10 })).items, "listed").toEqual([
        "u-77",
      ]);
    });
  });
}
