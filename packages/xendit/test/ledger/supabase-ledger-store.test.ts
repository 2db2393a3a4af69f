import { createLedger } from "@lunas/xendit";
import { SupabaseLedgerStore, SupabaseLedgerStoreError } from "@lunas/xendit/supabase";
import { buildPaymentSessionCompleted } from "@lunas/xendit/testing";
import { createClient } from "@supabase/supabase-js";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const URL_BASE = "https://lunasproj.supabase.co";
const SERVICE_KEY = "service-role-key-not-for-logs";
const T0 = Date.UTC(2026, 4, 17, 8, 30, 15, 123);
const iso = (ms: number) => new Date(ms).toISOString();

function store(options = {}) {
  const client = createClient(URL_BASE, SERVICE_KEY, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  return new SupabaseLedgerStore(client, options);
}

/** PostgREST as supabase-js reaches it: service key in both headers. */
function postgrest() {
  return nock(URL_BASE)
    .matchHeader("apikey", SERVICE_KEY)
    .matchHeader("authorization", `Bearer ${SERVICE_KEY}`);
}

// Rows as PostgREST (and to_jsonb) return them: timestamps with +00:00, numeric as numbers.
const orderRow = {
  id: "o-1",
  session_id: null,
  amount: 150000,
  currency: "IDR",
  status: "pending",
  created_at: "2026-05-17T08:30:15.123+00:00",
};
const paymentRow = {
  session_id: "ps-1",
  order_id: null,
  status: "paid",
  amount: 150000,
  currency: "IDR",
  method: null,
  channel: "QRIS",
  paid_at: "2026-01-01T00:00:00+00:00",
  metadata_order_id: "o-1",
  raw_event: { event: "payment_session.completed" },
  created_at: "2026-05-17T08:30:15.123+00:00",
  updated_at: "2026-05-17T08:30:15.123+00:00",
};

describe("SupabaseLedgerStore (PostgREST requests)", () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => nock.enableNetConnect());

  it("records a payment through the rpc of migration 0002, with the clock's time", async () => {
    postgrest()
      .post("/rest/v1/rpc/lunas_xendit_upsert_payment", {
        p_table: "payments",
        p_session_id: "ps-1",
        p_status: "paid",
        p_amount: 150000,
        p_currency: "IDR",
        p_method: null,
        p_channel: "QRIS",
        p_paid_at: "2026-01-01T00:00:00.000Z",
        p_metadata_order_id: "o-1",
        p_raw_event: { event: "payment_session.completed" },
        p_now: iso(T0),
      })
      .reply(200, paymentRow);
    const stored = await store().upsertPayment({
      sessionId: "ps-1",
      status: "paid",
      amount: 150000,
      currency: "IDR",
      method: null,
      channel: "QRIS",
      paidAt: "2026-01-01T00:00:00.000Z",
      metadataOrderId: "o-1",
      rawEvent: { event: "payment_session.completed" },
      now: T0,
    });
    expect(stored).toEqual({
      sessionId: "ps-1",
      orderId: null,
      status: "paid",
      amount: 150000,
      currency: "IDR",
      method: null,
      channel: "QRIS",
      paidAt: "2026-01-01T00:00:00.000Z",
      metadataOrderId: "o-1",
      rawEvent: { event: "payment_session.completed" },
      createdAt: iso(T0),
      updatedAt: iso(T0),
    });
  });

  it("attaches a session with one conditional PATCH (session_id=is.null)", async () => {
    postgrest()
      .patch("/rest/v1/orders", { session_id: "ps-1" })
      .query((q) => q.id === "eq.o-1" && q.session_id === "is.null" && typeof q.select === "string")
      .reply(200, [{ ...orderRow, session_id: "ps-1" }]);
    expect(await store().attachSession("o-1", "ps-1")).toEqual({
      status: "attached",
      order: {
        id: "o-1",
        sessionId: "ps-1",
        amount: 150000,
        currency: "IDR",
        status: "pending",
        createdAt: iso(T0),
      },
    });
  });

  it("reads back why an attach changed nothing: conflict", async () => {
    postgrest().patch("/rest/v1/orders").query(true).reply(200, []);
    postgrest()
      .get("/rest/v1/orders")
      .query((q) => q.id === "eq.o-1")
      .reply(200, [{ ...orderRow, session_id: "ps-other" }]);
    expect(await store().attachSession("o-1", "ps-1")).toMatchObject({
      status: "conflict",
      order: { sessionId: "ps-other" },
    });
  });

  it("turns the unique index's 23505 into session_taken", async () => {
    postgrest()
      .patch("/rest/v1/orders")
      .query(true)
      .reply(409, { code: "23505", message: "duplicate key value violates unique constraint" });
    postgrest()
      .get("/rest/v1/orders")
      .query((q) => q.id === "eq.o-2")
      .reply(200, [{ ...orderRow, id: "o-2" }]);
    postgrest()
      .get("/rest/v1/orders")
      .query((q) => q.session_id === "eq.ps-1" && q.limit === "1")
      .reply(200, [{ ...orderRow, session_id: "ps-1" }]);
    expect(await store().attachSession("o-2", "ps-1")).toEqual({
      status: "session_taken",
      otherOrderId: "o-1",
    });
  });

  it("inserts an order with on_conflict=id and ignore-duplicates, reading the existing one back", async () => {
    postgrest()
      .matchHeader("prefer", /resolution=ignore-duplicates/)
      .post("/rest/v1/orders", {
        id: "o-1",
        amount: 150000,
        currency: "IDR",
        status: "pending",
        created_at: iso(T0),
      })
      .query((q) => q.on_conflict === "id")
      .reply(201, []);
    postgrest()
      .get("/rest/v1/orders")
      .query((q) => q.id === "eq.o-1")
      .reply(200, [{ ...orderRow, session_id: "ps-1" }]);
    const result = await store().insertOrder({ id: "o-1", amount: 150000, currency: "IDR" }, T0);
    expect(result).toMatchObject({ created: false, order: { sessionId: "ps-1" } });
  });

  it("links a payment only where order_id is null", async () => {
    postgrest()
      .patch("/rest/v1/payments", { order_id: "o-1" })
      .query((q) => q.session_id === "eq.ps-1" && q.order_id === "is.null")
      .reply(200, [{ session_id: "ps-1" }]);
    postgrest().patch("/rest/v1/payments").query(true).reply(200, []);
    expect(await store().linkPayment("ps-1", "o-1")).toBe(true);
    expect(await store().linkPayment("ps-1", "o-2")).toBe(false);
  });

  it("lists session-less orders through the rpc, then reads them in chunks", async () => {
    postgrest()
      .post("/rest/v1/rpc/lunas_xendit_sessionless_order_ids", {
        p_orders: "orders",
        p_payments: "payments",
      })
      .reply(200, ["o-1"]);
    postgrest()
      .get("/rest/v1/orders")
      .query((q) => q.id === "in.(o-1)")
      .reply(200, [orderRow]);
    postgrest()
      .get("/rest/v1/payments")
      .query((q) => q.order_id === "in.(o-1)")
      .reply(200, [{ ...paymentRow, order_id: "o-1" }]);
    const result = await store().listSessionlessOrdersWithPayments();
    expect(result.map((r) => [r.order.id, r.payments.map((p) => p.sessionId)])).toEqual([
      ["o-1", ["ps-1"]],
    ]);
  });

  it("quotes an order id holding a comma, parenthesis, quote or backslash in the in-list", async () => {
    const id = 'o,1(x)"\\';
    postgrest().post("/rest/v1/rpc/lunas_xendit_sessionless_order_ids").reply(200, [id, "o-2"]);
    const list = '("o,1(x)\\"\\\\",o-2)';
    postgrest()
      .get("/rest/v1/orders")
      .query((q) => q.id === `in.${list}`)
      .reply(200, [{ ...orderRow, id }]);
    postgrest()
      .get("/rest/v1/payments")
      .query((q) => q.order_id === `in.${list}`)
      .reply(200, []);
    const result = await store().listSessionlessOrdersWithPayments();
    expect(result.map((r) => r.order.id)).toEqual([id]);
  });

  it("counts with HEAD requests and exact counts", async () => {
    const counts: Record<string, number> = {
      "orders:": 4,
      "orders:session_id=not.is.null": 3,
      "payments:": 5,
      "payments:order_id=not.is.null": 2,
      "payments:status=eq.expired": 1,
      "payments:status=eq.paid": 3,
      "payments:status=eq.settled": 1,
    };
    for (const [key, n] of Object.entries(counts)) {
      const [table, filter] = key.split(":") as [string, string];
      postgrest()
        .matchHeader("prefer", /count=exact/)
        .head(`/rest/v1/${table}`)
        .query((q) => {
          const rest = Object.entries(q)
            .filter(([name]) => name !== "select")
            .map(([name, value]) => `${name}=${value}`)
            .join("&");
          return rest === filter;
        })
        .reply(200, undefined, { "content-range": `*/${n}` });
    }
    expect(await store().counts()).toEqual({
      orders: 4,
      ordersWithSession: 3,
      payments: 5,
      linkedPayments: 2,
      unlinkedPayments: 3,
      paymentsByStatus: { expired: 1, paid: 3, settled: 1 },
    });
  });

  it("wraps PostgREST errors in SupabaseLedgerStoreError without the service key", async () => {
    postgrest()
      .get("/rest/v1/payments")
      .query(true)
      .reply(401, { code: "PGRST301", message: "JWT expired" });
    const error = await store()
      .getPayment("ps-1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SupabaseLedgerStoreError);
    expect(error).toMatchObject({ code: "LEDGER_STORE_FAILED" });
    expect(String((error as Error).message)).toContain("PGRST301");
    expect(String((error as Error).message)).not.toContain(SERVICE_KEY);
  });

  it("rejects a row it cannot read", async () => {
    postgrest()
      .get("/rest/v1/payments")
      .query(true)
      .reply(200, [{ session_id: "ps-1", status: "weird" }]);
    await expect(store().getPayment("ps-1")).rejects.toBeInstanceOf(SupabaseLedgerStoreError);
  });

  it("refuses a bad client or bad options when constructed, with INVALID_ARGUMENT", () => {
    for (const make of [
      () => new SupabaseLedgerStore(undefined as never),
      () => new SupabaseLedgerStore({} as never),
      () => store({ timeoutMs: -1 }),
      () => store({ timeoutMs: Number.NaN }),
      () => store({ ordersTable: "" }),
      () => store({ upsertFunction: 42 }),
      () => store({ tiemoutMs: 1_000 }),
    ]) {
      expect(make).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    }
  });

  it("bounds every request with a timeout", async () => {
    postgrest().get("/rest/v1/orders").query(true).delay(500).reply(200, [orderRow]);
    await expect(store({ timeoutMs: 30 }).getOrder("o-1")).rejects.toBeInstanceOf(
      SupabaseLedgerStoreError,
    );
  });

  it("runs the ledger: a completed webhook recorded and linked by metadata", async () => {
    postgrest().post("/rest/v1/rpc/lunas_xendit_upsert_payment").reply(200, paymentRow);
    postgrest()
      .get("/rest/v1/orders")
      .query((q) => q.session_id === "eq.ps-1")
      .reply(200, []);
    postgrest()
      .get("/rest/v1/orders")
      .query((q) => q.id === "eq.o-1")
      .times(2)
      .reply(200, [orderRow]);
    postgrest()
      .patch("/rest/v1/payments", { order_id: "o-1" })
      .query(true)
      .reply(200, [{ session_id: "ps-1" }]);
    postgrest()
      .get("/rest/v1/payments")
      .query((q) => q.session_id === "eq.ps-1")
      .reply(200, [{ ...paymentRow, order_id: "o-1" }]);
    postgrest()
      .patch("/rest/v1/orders", { session_id: "ps-1" })
      .query(true)
      .reply(200, [{ ...orderRow, session_id: "ps-1" }]);
    const ledger = createLedger({ store: store(), clock: { now: () => T0 } });
    const result = await ledger.recordPaymentEvent(
      buildPaymentSessionCompleted({ sessionId: "ps-1", orderId: "o-1" }),
    );
    expect(result).toMatchObject({ linkedNow: true, payment: { orderId: "o-1" } });
  });
});
