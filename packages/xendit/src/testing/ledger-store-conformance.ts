import { InvalidArgumentError } from "@lunas/core";
import { caseExpect as expect } from "@lunas/core/conformance";
import { afterEach, beforeEach, describe, it } from "vitest";
import { createLedger } from "../ledger/create-ledger.js";
import type { LedgerStore, PaymentUpsert } from "../ledger/ledger-store.js";
import { parseXenditWebhook, type XenditEvent } from "../webhooks/xendit-events.js";
import {
  buildInvoiceCallback,
  buildPaymentSessionCompleted,
  buildPaymentSessionExpired,
} from "./event-builders.js";

export type LedgerStoreFactory = () => Promise<{ store: LedgerStore; cleanup(): Promise<void> }>;

// Not a round second, so a store that drops milliseconds fails.
const T0 = Date.UTC(2026, 4, 17, 8, 30, 15, 123);

function upsert(overrides: Partial<PaymentUpsert> & { sessionId: string }): PaymentUpsert {
  return {
    status: "paid",
    amount: 150_000,
    currency: "IDR",
    method: null,
    channel: null,
    paidAt: new Date(T0).toISOString(),
    metadataOrderId: null,
    rawEvent: { event: "test", session: overrides.sessionId },
    now: T0,
    ...overrides,
  };
}

function invoiceEvent(input: Parameters<typeof buildInvoiceCallback>[0]): XenditEvent {
  const parsed = parseXenditWebhook(buildInvoiceCallback(input));
  if (parsed.kind !== "known") throw new Error("builder produced an unknown event");
  return parsed.event;
}

/**
 * The shared `LedgerStore` suite: the port's atomic verbs, then the ledger's
 * promises (idempotent recording, late linking, out-of-order events, backfill)
 * on top of the store. Every adapter in `@lunas/xendit` runs it; run it
 * against your own adapter in a vitest file:
 * `ledgerStoreConformance("my store", async () => ({ store, cleanup }))`.
 */
export function ledgerStoreConformance(name: string, factory: LedgerStoreFactory): void {
  describe(`LedgerStore conformance: ${name}`, () => {
    let store: LedgerStore;
    let cleanup: () => Promise<void>;
    let now = T0;
    const clock = { now: () => now };

    beforeEach(async () => {
      now = T0;
      ({ store, cleanup } = await factory());
    });
    afterEach(async () => {
      await cleanup();
    });

    describe("orders", () => {
      it("inserts an order once and returns the stored one after", async () => {
        const first = await store.insertOrder(
          { id: "o-1", amount: 150_000.5, currency: "IDR" },
          T0,
        );
        expect(first).toEqual({
          created: true,
          order: {
            id: "o-1",
            sessionId: null,
            amount: 150_000.5,
            currency: "IDR",
            status: "pending",
            createdAt: new Date(T0).toISOString(),
          },
        });
        const again = await store.insertOrder({ id: "o-1", amount: 1, status: "paid" }, T0 + 5);
        expect(again).toEqual({ created: false, order: first.order });
        expect(await store.getOrder("o-1")).toEqual(first.order);
        expect(await store.getOrder("o-404")).toBeNull();
      });

      it("attaches a session only when the order has none", async () => {
        await store.insertOrder({ id: "o-1" }, T0);
        await store.insertOrder({ id: "o-2" }, T0);
        expect(await store.attachSession("o-1", "ps-1")).toMatchObject({
          status: "attached",
          order: { id: "o-1", sessionId: "ps-1" },
        });
        expect(await store.attachSession("o-1", "ps-1")).toMatchObject({
          status: "already_attached_same",
        });
        expect(await store.attachSession("o-1", "ps-2")).toMatchObject({
          status: "conflict",
          order: { sessionId: "ps-1" },
        });
        expect(await store.attachSession("o-2", "ps-1")).toEqual({
          status: "session_taken",
          otherOrderId: "o-1",
        });
        expect(await store.attachSession("o-404", "ps-9")).toEqual({ status: "order_not_found" });
        expect((await store.getOrder("o-1"))?.sessionId).toBe("ps-1");
        expect((await store.getOrder("o-2"))?.sessionId).toBeNull();
        expect((await store.findOrderBySession("ps-1"))?.id).toBe("o-1");
        expect(await store.findOrderBySession("ps-2")).toBeNull();
      });

      it("lets exactly one of many concurrent attaches win", async () => {
        await store.insertOrder({ id: "o-1" }, T0);
        const outcomes = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.attachSession("o-1", `ps-${i}`)),
        );
        expect(outcomes.filter((o) => o.status === "attached")).toHaveLength(1);
        expect(outcomes.filter((o) => o.status === "conflict")).toHaveLength(19);

        for (let i = 0; i < 10; i++) await store.insertOrder({ id: `race-${i}` }, T0);
        const sameSession = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.attachSession(`race-${i}`, "ps-shared")),
        );
        expect(sameSession.filter((o) => o.status === "attached")).toHaveLength(1);
        expect(sameSession.filter((o) => o.status === "session_taken")).toHaveLength(9);
      });

      it("replaces a session only from the expected one (compare-and-set)", async () => {
        await store.insertOrder({ id: "o-1" }, T0);
        await store.attachSession("o-1", "ps-old");
        expect(await store.replaceSession("o-1", "ps-wrong", "ps-new")).toBe(false);
        expect(await store.replaceSession("o-1", "ps-old", "ps-new")).toBe(true);
        expect(await store.replaceSession("o-1", "ps-old", "ps-newer")).toBe(false);
        expect((await store.getOrder("o-1"))?.sessionId).toBe("ps-new");
      });
    });

    describe("payments", () => {
      it("inserts a payment keyed by session id and reads it back exactly", async () => {
        const stored = await store.upsertPayment(
          upsert({
            sessionId: "ps-1",
            method: "EWALLET",
            channel: "OVO",
            metadataOrderId: "o-1",
            rawEvent: { nested: { list: [1, "two", null] }, text: "ü 日本" },
          }),
        );
        expect(stored).toEqual({
          sessionId: "ps-1",
          orderId: null,
          status: "paid",
          amount: 150_000,
          currency: "IDR",
          method: "EWALLET",
          channel: "OVO",
          paidAt: new Date(T0).toISOString(),
          metadataOrderId: "o-1",
          rawEvent: { nested: { list: [1, "two", null] }, text: "ü 日本" },
          createdAt: new Date(T0).toISOString(),
          updatedAt: new Date(T0).toISOString(),
        });
        expect(await store.getPayment("ps-1")).toEqual(stored);
        expect(await store.getPayment("ps-404")).toBeNull();
      });

      it("never moves the status backwards, takes forward moves, and fills only empty fields otherwise", async () => {
        await store.upsertPayment(upsert({ sessionId: "ps-1", status: "settled", channel: null }));
        const late = await store.upsertPayment(
          upsert({ sessionId: "ps-1", status: "paid", channel: "BCA", amount: 1, now: T0 + 1000 }),
        );
        expect(late).toMatchObject({ status: "settled", channel: "BCA", amount: 150_000 });
        expect(late.updatedAt).toBe(new Date(T0).toISOString());

        await store.upsertPayment(upsert({ sessionId: "ps-2", status: "expired", paidAt: null }));
        const forward = await store.upsertPayment(
          upsert({ sessionId: "ps-2", status: "paid", rawEvent: { v: 2 }, now: T0 + 2000 }),
        );
        expect(forward).toMatchObject({
          status: "paid",
          rawEvent: { v: 2 },
          paidAt: new Date(T0).toISOString(),
          updatedAt: new Date(T0 + 2000).toISOString(),
        });
        const expiredLate = await store.upsertPayment(
          upsert({ sessionId: "ps-2", status: "expired", rawEvent: { v: 3 } }),
        );
        expect(expiredLate).toMatchObject({ status: "paid", rawEvent: { v: 2 } });
      });

      it("keeps one row under 30 concurrent upserts of the same session", async () => {
        await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            store.upsertPayment(upsert({ sessionId: "ps-1", now: T0 + i })),
          ),
        );
        expect((await store.counts()).payments).toBe(1);
      });

      it("links a payment only when it has no order", async () => {
        await store.upsertPayment(upsert({ sessionId: "ps-1" }));
        expect(await store.linkPayment("ps-404", "o-1")).toBe(false);
        expect(await store.linkPayment("ps-1", "o-1")).toBe(true);
        expect(await store.linkPayment("ps-1", "o-2")).toBe(false);
        expect((await store.getPayment("ps-1"))?.orderId).toBe("o-1");
        // Upserts never touch order_id.
        await store.upsertPayment(upsert({ sessionId: "ps-1", status: "settled" }));
        expect((await store.getPayment("ps-1"))?.orderId).toBe("o-1");
        expect((await store.listPaymentsForOrder("o-1")).map((p) => p.sessionId)).toEqual(["ps-1"]);
      });

      it("lists unlinked payments and session-less orders with payments, oldest first", async () => {
        await store.insertOrder({ id: "o-1" }, T0);
        await store.insertOrder({ id: "o-2" }, T0);
        await store.upsertPayment(upsert({ sessionId: "ps-b", now: T0 + 2 }));
        await store.upsertPayment(upsert({ sessionId: "ps-a", now: T0 + 1 }));
        await store.upsertPayment(upsert({ sessionId: "ps-c", now: T0 + 3 }));
        await store.linkPayment("ps-c", "o-2");
        expect((await store.listUnlinkedPayments()).map((p) => p.sessionId)).toEqual([
          "ps-a",
          "ps-b",
        ]);
        const sessionless = await store.listSessionlessOrdersWithPayments();
        expect(sessionless.map((s) => [s.order.id, s.payments.map((p) => p.sessionId)])).toEqual([
          ["o-2", ["ps-c"]],
        ]);
        expect(await store.counts()).toEqual({
          orders: 2,
          ordersWithSession: 0,
          payments: 3,
          linkedPayments: 1,
          unlinkedPayments: 2,
          paymentsByStatus: { expired: 0, paid: 3, settled: 0 },
        });
      });
    });

    describe("ledger on this store", () => {
      it("links a webhook that arrived before the session was stored, once attachSession runs", async () => {
        const ledger = createLedger({ store, clock });
        await ledger.createOrder({ id: "o-1", amount: 150_000, currency: "IDR" });
        const early = await ledger.recordPaymentEvent(
          buildPaymentSessionCompleted({ sessionId: "ps-1" }),
        );
        expect(early).toMatchObject({ linkedNow: false, payment: { orderId: null } });
        expect(await ledger.findPaymentForOrder("o-1")).toBeNull();

        const attached = await ledger.attachSession("o-1", "ps-1");
        expect(attached).toMatchObject({
          status: "attached",
          linkedPayment: { sessionId: "ps-1", orderId: "o-1" },
        });
        expect(await ledger.findPaymentForOrder("o-1")).toMatchObject({
          sessionId: "ps-1",
          status: "paid",
        });
        expect(await ledger.orphans()).toEqual([]);
      });

      it("never leaves a payment unlinked when attach and record race", async () => {
        const ledger = createLedger({ store, clock });
        for (let i = 0; i < 15; i++) {
          await ledger.createOrder({ id: `o-${i}` });
          await Promise.all([
            ledger.recordPaymentEvent(buildPaymentSessionCompleted({ sessionId: `ps-${i}` })),
            ledger.attachSession(`o-${i}`, `ps-${i}`),
          ]);
        }
        expect(await ledger.counts()).toMatchObject({ payments: 15, linkedPayments: 15 });
      });

      it("links by metadata.order_id and stores the order's session id", async () => {
        const ledger = createLedger({ store, clock });
        await ledger.createOrder({ id: "o-1" });
        const result = await ledger.recordPaymentEvent(
          buildPaymentSessionCompleted({ sessionId: "ps-1", orderId: "o-1" }),
        );
        expect(result).toMatchObject({ linkedNow: true, payment: { orderId: "o-1" } });
        expect((await ledger.getOrder("o-1"))?.sessionId).toBe("ps-1");
      });

      it("links a paid invoice whose external_id names an existing order, and stores it as the order's session", async () => {
        const ledger = createLedger({ store, clock });
        await ledger.createOrder({ id: "o-ext" });
        const result = await ledger.recordPaymentEvent(
          invoiceEvent({ invoiceId: "inv-ext", status: "PAID", orderId: "o-ext" }),
        );
        expect(result).toMatchObject({ linkedNow: true, payment: { orderId: "o-ext" } });
        expect((await ledger.getOrder("o-ext"))?.sessionId).toBe("inv-ext");
        expect(await ledger.findPaymentForOrder("o-ext")).toMatchObject({ sessionId: "inv-ext" });
      });

      it("links a session whose reference_id names an existing order, without metadata", async () => {
        const ledger = createLedger({ store, clock });
        await ledger.createOrder({ id: "o-ref" });
        const event = buildPaymentSessionCompleted({ sessionId: "ps-ref" });
        event.data.reference_id = "o-ref";
        const result = await ledger.recordPaymentEvent(event);
        expect(result).toMatchObject({ linkedNow: true, payment: { orderId: "o-ref" } });
        expect((await ledger.getOrder("o-ref"))?.sessionId).toBe("ps-ref");
      });

      it("tries the links in order: the session's order beats metadata, metadata beats the reference", async () => {
        const ledger = createLedger({ store, clock });
        for (const id of ["o-by-session", "o-by-metadata", "o-by-reference"]) {
          await ledger.createOrder({ id });
        }
        await ledger.attachSession("o-by-session", "ps-a");
        const a = buildPaymentSessionCompleted({ sessionId: "ps-a", orderId: "o-by-metadata" });
        a.data.reference_id = "o-by-reference";
        expect((await ledger.recordPaymentEvent(a)).payment.orderId).toBe("o-by-session");
        const b = buildPaymentSessionCompleted({ sessionId: "ps-b", orderId: "o-by-metadata" });
        b.data.reference_id = "o-by-reference";
        expect((await ledger.recordPaymentEvent(b)).payment.orderId).toBe("o-by-metadata");
        // A reference naming no order is skipped, not linked to nothing.
        const c = buildPaymentSessionCompleted({ sessionId: "ps-c", orderId: "o-ghost" });
        c.data.reference_id = "o-by-reference";
        expect((await ledger.recordPaymentEvent(c)).payment.orderId).toBe("o-by-reference");
      });

      it("a reference to an order created later is an orphan with its fix, and backfill links it", async () => {
        const ledger = createLedger({ store, clock });
        await ledger.recordPaymentEvent(
          invoiceEvent({ invoiceId: "inv-late", status: "PAID", orderId: "o-late" }),
        );
        expect(await ledger.orphans()).toMatchObject([
          { kind: "payment_without_order", payment: { sessionId: "inv-late" }, fix: null },
        ]);
        await ledger.createOrder({ id: "o-late" });
        expect(await ledger.orphans()).toMatchObject([
          { kind: "payment_without_order", fix: { orderId: "o-late", via: "external_id" } },
        ]);
        const { changes } = await ledger.backfill({ dryRun: false });
        expect(changes).toEqual([
          { kind: "link_payment", sessionId: "inv-late", orderId: "o-late", via: "external_id" },
          { kind: "set_order_session", orderId: "o-late", sessionId: "inv-late" },
        ]);
        expect(await ledger.orphans()).toEqual([]);
      });

      it("linkOrderBy narrows or extends the links: without references they are ignored, a custom link is used", async () => {
        const strict = createLedger({ store, clock, linkOrderBy: ["orders.session_id"] });
        await strict.createOrder({ id: "o-1" });
        const meta = await strict.recordPaymentEvent(
          invoiceEvent({ invoiceId: "inv-1", status: "PAID", orderId: "o-1", withMetadata: true }),
        );
        expect(meta).toMatchObject({ linkedNow: false, payment: { orderId: null } });

        const custom = createLedger({
          store,
          clock,
          linkOrderBy: [
            {
              via: "description",
              orderIdOf: (payment) =>
                (payment.rawEvent as { data: { description?: string } }).data.description?.replace(
                  "Order ",
                  "",
                ),
            },
          ],
        });
        await custom.createOrder({ id: "o-2" });
        const event = buildPaymentSessionCompleted({
          sessionId: "ps-2",
          data: { description: "Order o-2" },
        });
        expect((await custom.recordPaymentEvent(event)).payment.orderId).toBe("o-2");
        expect(() => createLedger({ store, linkOrderBy: ["order_id" as "reference_id"] })).toThrow(
          InvalidArgumentError,
        );
        expect(() => createLedger({ store, linkOrderBy: [] })).toThrow(/at least one way/);
      });

      it("records the same event 10x sequentially and 50x concurrently as one row", async () => {
        const ledger = createLedger({ store, clock });
        await ledger.createOrder({ id: "o-1" });
        const event = buildPaymentSessionCompleted({ sessionId: "ps-1", orderId: "o-1" });
        for (let i = 0; i < 10; i++) await ledger.recordPaymentEvent(event);
        await Promise.all(Array.from({ length: 50 }, () => ledger.recordPaymentEvent(event)));
        expect(await ledger.counts()).toMatchObject({ payments: 1, linkedPayments: 1 });
      });

      it("keeps the furthest status whatever order the events arrive in", async () => {
        const ledger = createLedger({ store, clock });
        await ledger.createOrder({ id: "o-1" });
        await ledger.recordPaymentEvent(
          invoiceEvent({
            invoiceId: "inv-1",
            status: "SETTLED",
            orderId: "o-1",
            withMetadata: true,
          }),
        );
        await ledger.recordPaymentEvent(
          invoiceEvent({ invoiceId: "inv-1", status: "PAID", orderId: "o-1", withMetadata: true }),
        );
        await ledger.recordPaymentEvent(
          invoiceEvent({
            invoiceId: "inv-1",
            status: "EXPIRED",
            orderId: "o-1",
            withMetadata: true,
          }),
        );
        expect(await ledger.findPaymentForOrder("o-1")).toMatchObject({
          sessionId: "inv-1",
          status: "settled",
          method: "BANK_TRANSFER",
          channel: "MANDIRI",
        });

        await ledger.recordPaymentEvent(buildPaymentSessionCompleted({ sessionId: "ps-2" }));
        await ledger.recordPaymentEvent(buildPaymentSessionExpired({ sessionId: "ps-2" }));
        expect((await store.getPayment("ps-2"))?.status).toBe("paid");
      });

      it("finds an order's payment by order_id, falling back to its session_id", async () => {
        const ledger = createLedger({ store, clock });
        await ledger.createOrder({ id: "o-1" });
        await ledger.attachSession("o-1", "ps-1");
        // A row written before linking existed (legacy data): order_id empty.
        await store.upsertPayment(upsert({ sessionId: "ps-1" }));
        expect(await ledger.findPaymentForOrder("o-1")).toMatchObject({
          sessionId: "ps-1",
          orderId: null,
        });
        expect(await ledger.findPaymentForOrder("o-404")).toBeNull();
      });

      it("refuses bad input with InvalidArgumentError and writes nothing", async () => {
        const ledger = createLedger({ store, clock });
        await expect(ledger.createOrder({ id: "" })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(ledger.createOrder({ id: "o-1", currency: "rupiah" })).rejects.toBeInstanceOf(
          InvalidArgumentError,
        );
        await expect(
          ledger.recordPaymentEvent({ event: "payment_session.completed", data: {} } as never),
        ).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(
          ledger.recordPaymentEvent({
            event: "invoice.paid",
            data: buildInvoiceCallback({ invoiceId: "i", status: "EXPIRED", orderId: "o" }),
          } as never),
        ).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(ledger.attachSession("", "ps-1")).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(ledger.backfill({} as never)).rejects.toBeInstanceOf(InvalidArgumentError);
        // PostgreSQL's text and jsonb cannot hold U+0000: refused up front, whatever the store.
        const nul = buildPaymentSessionCompleted({ sessionId: "ps-nul" }) as {
          data: Record<string, unknown>;
        };
        for (const event of [
          { ...nul, data: { ...nul.data, description: "a\u0000b" } },
          { ...nul, data: { ...nul.data, metadata: { "note\u0000": "x" } } },
          buildPaymentSessionCompleted({ sessionId: "ps-\u0000" }),
        ]) {
          await expect(ledger.recordPaymentEvent(event as never)).rejects.toBeInstanceOf(
            InvalidArgumentError,
          );
        }
        expect(await ledger.counts()).toMatchObject({ orders: 0, payments: 0 });
      });

      it("throws typed errors for attach conflicts and unknown orders", async () => {
        const ledger = createLedger({ store, clock });
        await ledger.createOrder({ id: "o-1" });
        await ledger.createOrder({ id: "o-2" });
        await ledger.attachSession("o-1", "ps-1");
        await expect(ledger.attachSession("o-1", "ps-1")).resolves.toMatchObject({
          status: "already_attached_same",
        });
        await expect(ledger.attachSession("o-1", "ps-2")).rejects.toMatchObject({
          code: "SESSION_CONFLICT",
          existingSessionId: "ps-1",
        });
        await expect(ledger.attachSession("o-2", "ps-1")).rejects.toMatchObject({
          code: "SESSION_IN_USE",
          otherOrderId: "o-1",
        });
        await expect(ledger.attachSession("o-404", "ps-3")).rejects.toMatchObject({
          code: "ORDER_NOT_FOUND",
        });
        await expect(
          ledger.createOrderPayment(
            { id: "o-3", amount: 1, currency: "IDR" },
            { country: "ID", customer_id: "cust-1" },
          ),
        ).rejects.toMatchObject({ code: "XENDIT_CLIENT_REQUIRED" });
      });

      it("backfill: the dry run reports exactly what the real run changes, on orphans of every kind", async () => {
        const ledger = createLedger({ store, clock });
        // Seeded through the port, the way legacy data looks before the ledger existed.
        const order = (id: string) => store.insertOrder({ id }, T0);
        const pay = (sessionId: string, extra: Partial<PaymentUpsert> = {}) =>
          store.upsertPayment(upsert({ sessionId, ...extra }));

        // 1. order has the session, payment not linked -> link via orders.session_id
        await order("o-session");
        await store.attachSession("o-session", "ps-1");
        await pay("ps-1", { now: T0 + 1 });
        // 2. payment names an order (no session yet) in metadata -> link + set session
        await order("o-meta");
        await pay("ps-2", { metadataOrderId: "o-meta", now: T0 + 2 });
        // 3. metadata names an order that already has another session -> link only
        await order("o-meta-busy");
        await store.attachSession("o-meta-busy", "ps-other");
        await pay("ps-3", { metadataOrderId: "o-meta-busy", now: T0 + 3 });
        // 4. metadata names an order that does not exist -> stays an orphan
        await pay("ps-4", { metadataOrderId: "o-ghost", now: T0 + 4 });
        // 5. nothing names an order -> stays an orphan
        await pay("ps-5", { now: T0 + 5 });
        // 6. linked payment, order without session -> set session
        await order("o-linked");
        await pay("ps-6", { now: T0 + 6 });
        await store.linkPayment("ps-6", "o-linked");
        // 7. two linked payments, order without session -> the furthest status wins
        await order("o-two");
        await pay("ps-7a", { status: "expired", paidAt: null, now: T0 + 7 });
        await pay("ps-7b", { status: "paid", now: T0 + 8 });
        await store.linkPayment("ps-7a", "o-two");
        await store.linkPayment("ps-7b", "o-two");
        // 8. linked payment whose session another order holds -> cannot set it
        await order("o-taken");
        await order("o-holder");
        await store.attachSession("o-holder", "ps-8");
        await pay("ps-8", { now: T0 + 9 });
        await store.linkPayment("ps-8", "o-taken");
        // 9. already consistent -> untouched
        await order("o-fine");
        await store.attachSession("o-fine", "ps-9");
        await pay("ps-9", { now: T0 + 10 });
        await store.linkPayment("ps-9", "o-fine");

        const before = await ledger.orphans();
        expect(
          before.map((o) =>
            o.kind === "payment_without_order"
              ? [o.kind, o.payment.sessionId, o.fix?.via ?? null]
              : [o.kind, o.order.id, o.payments.map((p) => p.sessionId).join(",")],
          ),
        ).toEqual([
          ["payment_without_order", "ps-1", "orders.session_id"],
          ["payment_without_order", "ps-2", "metadata.order_id"],
          ["payment_without_order", "ps-3", "metadata.order_id"],
          ["payment_without_order", "ps-4", null],
          ["payment_without_order", "ps-5", null],
          ["order_without_session", "o-linked", "ps-6"],
          ["order_without_session", "o-taken", "ps-8"],
          ["order_without_session", "o-two", "ps-7a,ps-7b"],
        ]);

        // What is really stored, read through the port: the rows a backfill may change.
        const orderIds = ["o-session", "o-meta", "o-meta-busy", "o-linked", "o-two"];
        const sessionIds = ["ps-1", "ps-2", "ps-3", "ps-4", "ps-5", "ps-6", "ps-7a", "ps-7b"];
        const snapshot = async () => {
          const rows = new Map<string, string | null>();
          for (const id of [...orderIds, "o-taken", "o-holder", "o-fine"]) {
            rows.set(`order ${id}`, (await store.getOrder(id))?.sessionId ?? null);
          }
          for (const id of [...sessionIds, "ps-8", "ps-9"]) {
            rows.set(`payment ${id}`, (await store.getPayment(id))?.orderId ?? null);
          }
          return rows;
        };
        const stored = await snapshot();
        const dry = await ledger.backfill({ dryRun: true });
        expect(await snapshot()).toEqual(stored);
        expect(await ledger.orphans()).toEqual(before);
        const real = await ledger.backfill({ dryRun: false });
        expect(real.skipped).toEqual([]);
        expect(real.changes).toEqual(dry.changes);
        // The rows that really changed are exactly the ones the dry run listed, to the values it named.
        const afterRun = await snapshot();
        const changed = [...afterRun].filter(([key, value]) => stored.get(key) !== value);
        expect(changed.sort()).toEqual(
          dry.changes
            .map((change): [string, string] =>
              change.kind === "link_payment"
                ? [`payment ${change.sessionId}`, change.orderId]
                : [`order ${change.orderId}`, change.sessionId],
            )
            .sort(),
        );
        expect(dry.changes).toEqual([
          {
            kind: "link_payment",
            sessionId: "ps-1",
            orderId: "o-session",
            via: "orders.session_id",
          },
          { kind: "link_payment", sessionId: "ps-2", orderId: "o-meta", via: "metadata.order_id" },
          {
            kind: "link_payment",
            sessionId: "ps-3",
            orderId: "o-meta-busy",
            via: "metadata.order_id",
          },
          { kind: "set_order_session", orderId: "o-linked", sessionId: "ps-6" },
          { kind: "set_order_session", orderId: "o-meta", sessionId: "ps-2" },
          { kind: "set_order_session", orderId: "o-two", sessionId: "ps-7b" },
        ]);

        expect((await ledger.backfill({ dryRun: true })).changes).toEqual([]);
        const after = await ledger.orphans();
        expect(
          after.map((o) => (o.kind === "payment_without_order" ? o.payment.sessionId : o.order.id)),
        ).toEqual(["ps-4", "ps-5", "o-taken"]);
        expect(await ledger.counts()).toMatchObject({
          payments: 10,
          linkedPayments: 8,
          unlinkedPayments: 2,
        });
        expect((await ledger.getOrder("o-meta"))?.sessionId).toBe("ps-2");
        expect((await ledger.getOrder("o-meta-busy"))?.sessionId).toBe("ps-other");
        expect(await ledger.findPaymentForOrder("o-two")).toMatchObject({ sessionId: "ps-7b" });
      });
    });
  });
}
