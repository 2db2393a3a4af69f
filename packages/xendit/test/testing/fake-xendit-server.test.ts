import { InvalidArgumentError, MemoryIdempotencyStore } from "@lunas/core";
import {
  createLedger,
  createXenditClient,
  createXenditWebhooks,
  MemoryLedgerStore,
  type XenditEvent,
} from "@lunas/xendit";
import { FakeXenditServer } from "@lunas/xendit/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { serveWebHandler } from "./serve-web-handler.js";

const customer = { customer_id: "cust-1", country: "ID" } as const;

describe("FakeXenditServer with the real client, ledger and webhook handler over HTTP", () => {
  let fake: FakeXenditServer;
  let endpoint: { url: string; close(): Promise<void> };
  let effects: XenditEvent[];
  let ledger: ReturnType<typeof createLedger>;
  let client: ReturnType<typeof createXenditClient>;

  beforeEach(async () => {
    fake = await FakeXenditServer.start();
    client = createXenditClient({ secretKey: fake.secretKey, baseUrl: fake.url, timeoutMs: 5_000 });
    ledger = createLedger({ store: new MemoryLedgerStore(), client });
    const webhooks = createXenditWebhooks({
      verificationTokens: [fake.callbackToken],
      store: new MemoryIdempotencyStore(),
    });
    effects = [];
    const record = async (event: XenditEvent) => {
      await ledger.recordPaymentEvent(event);
      effects.push(event);
    };
    webhooks.on("payment_session.completed", record);
    webhooks.on("payment_session.expired", record);
    webhooks.on("invoice.paid", record);
    webhooks.on("invoice.settled", record);
    endpoint = await serveWebHandler(webhooks.handler);
  });

  afterEach(async () => {
    await endpoint.close();
    await fake.close();
  });

  it("checks Basic auth and answers Xendit-shaped errors", async () => {
    const wrong = createXenditClient({ secretKey: "xnd_development_wrong", baseUrl: fake.url });
    await expect(wrong.sessions.get("ps-1")).rejects.toMatchObject({
      code: "INVALID_API_KEY",
      status: 401,
    });
    await expect(client.sessions.get("ps-missing")).rejects.toMatchObject({
      code: "DATA_NOT_FOUND",
      status: 404,
    });
  });

  it("creates, gets and cancels sessions, honouring idempotency keys", async () => {
    const input = { reference_id: "o-1", amount: 50_000, currency: "IDR", ...customer };
    const first = await client.sessions.create(input, { idempotencyKey: "o-1" });
    const again = await client.sessions.create(input, { idempotencyKey: "o-1" });
    expect(again.payment_session_id).toBe(first.payment_session_id);
    expect(fake.sessions()).toHaveLength(1);
    expect((await client.sessions.get(first.payment_session_id)).status).toBe("ACTIVE");
    expect((await client.sessions.cancel(first.payment_session_id)).status).toBe("CANCELED");
    await expect(client.sessions.cancel(first.payment_session_id)).rejects.toMatchObject({
      status: 400,
    });
    expect(fake.requests.map((r) => r.idempotencyKey)).toEqual(["o-1", "o-1", null, null, null]);
  });

  it("createOrderPayment: order id as reference and idempotency key, session stored, reused while active", async () => {
    const order = { id: "o-1", amount: 75_000, currency: "IDR" };
    const first = await ledger.createOrderPayment(order, customer);
    expect(first).toMatchObject({ created: true, cancelledSessionId: null });
    expect(first.session).toMatchObject({ reference_id: "o-1", metadata: { order_id: "o-1" } });
    expect((await ledger.getOrder("o-1"))?.sessionId).toBe(first.session.payment_session_id);
    const again = await ledger.createOrderPayment(order, customer);
    expect(again).toMatchObject({ created: false });
    expect(again.session.payment_session_id).toBe(first.session.payment_session_id);
    expect(fake.sessions()).toHaveLength(1);
  });

  it("createOrderPayment after a crash between create and store gets the same session back", async () => {
    // The first attempt reached Xendit, then the process died before storing the session id.
    const orphan = await client.sessions.create(
      {
        reference_id: "o-1",
        amount: 75_000,
        currency: "IDR",
        ...customer,
        metadata: { order_id: "o-1" },
      },
      { idempotencyKey: "o-1" },
    );
    const retry = await ledger.createOrderPayment(
      { id: "o-1", amount: 75_000, currency: "IDR" },
      customer,
    );
    expect(retry.session.payment_session_id).toBe(orphan.payment_session_id);
    expect(fake.sessions()).toHaveLength(1);
    expect((await ledger.getOrder("o-1"))?.sessionId).toBe(orphan.payment_session_id);
  });

  it("createOrderPayment replaces an expired session, and a retry gets the same replacement", async () => {
    const order = { id: "o-1", amount: 75_000, currency: "IDR" };
    const first = await ledger.createOrderPayment(order, customer);
    fake.expireSession(first.session.payment_session_id);
    const replaced = await ledger.createOrderPayment(order, customer);
    expect(replaced.created).toBe(true);
    expect(replaced.session.payment_session_id).not.toBe(first.session.payment_session_id);
    expect(fake.requests.at(-1)?.idempotencyKey).toBe(
      `o-1:after:${first.session.payment_session_id}`,
    );
    const again = await ledger.createOrderPayment(order, customer);
    expect(again.session.payment_session_id).toBe(replaced.session.payment_session_id);
    expect(fake.sessions()).toHaveLength(2);
  });

  it("createOrderPayment racing itself without idempotency: one session attached, the dangling ones cancelled", async () => {
    await endpoint.close();
    await fake.close();
    fake = await FakeXenditServer.start({ honourIdempotency: false });
    client = createXenditClient({ secretKey: fake.secretKey, baseUrl: fake.url });
    ledger = createLedger({ store: new MemoryLedgerStore(), client });
    endpoint = await serveWebHandler(async () => new Response(null, { status: 204 }));

    const order = { id: "o-1", amount: 75_000, currency: "IDR" };
    await ledger.createOrder(order);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => ledger.createOrderPayment(order, customer)),
    );
    const attached = (await ledger.getOrder("o-1"))?.sessionId;
    expect(new Set(results.map((r) => r.session.payment_session_id))).toEqual(new Set([attached]));
    const statuses = fake.sessions().map((s) => [s.payment_session_id === attached, s.status]);
    expect(statuses.filter(([winner]) => winner)).toEqual([[true, "ACTIVE"]]);
    expect(
      statuses.filter(([winner]) => !winner).every(([, status]) => status === "CANCELED"),
    ).toBe(true);
    expect(results.filter((r) => r.cancelledSessionId !== null)).toHaveLength(statuses.length - 1);
  });

  it("delivers the completed webhook 10x and 50x concurrently: one payment row, one effect, order linked", async () => {
    const { session } = await ledger.createOrderPayment(
      { id: "o-1", amount: 75_000, currency: "IDR" },
      customer,
    );
    const event = fake.completeSession(session.payment_session_id, { channelCode: "QRIS" });
    const sequential = await fake.deliverWebhook(endpoint.url, event, { times: 10 });
    expect(sequential.map((d) => d.status)).toEqual(Array(10).fill(200));
    const concurrent = await fake.deliverWebhook(endpoint.url, event, {
      times: 50,
      concurrent: true,
    });
    expect(concurrent.every((d) => d.status === 200 || d.status === 409)).toBe(true);
    expect(effects).toHaveLength(1);
    expect(await ledger.counts()).toMatchObject({ payments: 1, linkedPayments: 1 });
    expect(await ledger.findPaymentForOrder("o-1")).toMatchObject({
      status: "paid",
      channel: "QRIS",
      amount: 75_000,
    });
  });

  it("a webhook that arrives before the session id was stored ends linked", async () => {
    await ledger.createOrder({ id: "o-1", amount: 75_000, currency: "IDR" });
    // Session created without the ledger knowing (without metadata, and with a reference
    // that is not the order id, so nothing in the event names the order), paid at once.
    const session = await client.sessions.create({
      reference_id: "checkout-o-1",
      amount: 75_000,
      currency: "IDR",
      ...customer,
    });
    const [delivery] = await fake.deliverWebhook(
      endpoint.url,
      fake.completeSession(session.payment_session_id),
    );
    expect(delivery?.status).toBe(200);
    expect(await ledger.findPaymentForOrder("o-1")).toBeNull();
    await ledger.attachSession("o-1", session.payment_session_id);
    expect(await ledger.findPaymentForOrder("o-1")).toMatchObject({
      orderId: "o-1",
      status: "paid",
    });
  });

  it("out-of-order invoice callbacks: SETTLED before PAID keeps settled, each handled once", async () => {
    await ledger.createOrder({ id: "o-1" });
    const invoice = await client.invoices.create({
      external_id: "o-1",
      amount: 20_000,
      metadata: { order_id: "o-1" },
    });
    const paid = fake.updateInvoice(invoice.id, "PAID");
    const settled = fake.updateInvoice(invoice.id, "SETTLED");
    const deliveries = await fake.deliverWebhooks(endpoint.url, [settled, paid, settled, paid]);
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200, 200]);
    expect(effects.map((e) => e.event)).toEqual(["invoice.settled", "invoice.paid"]);
    expect(await ledger.findPaymentForOrder("o-1")).toMatchObject({ status: "settled" });
  });

  it("a delivery with the wrong or no token is refused with 401 and writes nothing", async () => {
    const session = await client.sessions.create({
      reference_id: "o-1",
      amount: 1,
      currency: "IDR",
      ...customer,
    });
    const event = fake.completeSession(session.payment_session_id);
    const wrong = await fake.deliverWebhook(endpoint.url, event, { token: "guess" });
    const none = await fake.deliverWebhook(endpoint.url, event, { token: null });
    expect([wrong[0]?.status, none[0]?.status]).toEqual([401, 401]);
    expect(effects).toHaveLength(0);
    expect((await ledger.counts()).payments).toBe(0);
  });

  it("createOrderPayment refuses a bad session input before writing the order or calling Xendit", async () => {
    await expect(
      ledger.createOrderPayment(
        { id: "o-9", amount: 1_000, currency: "IDR" },
        { country: "Indonesia", customer_id: "cust-1" },
      ),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      ledger.createOrderPayment({ id: "o-9", amount: 1_000, currency: "IDR" }, { country: "ID" }),
    ).rejects.toThrow(/customer/);
    expect(await ledger.getOrder("o-9")).toBeNull();
    expect(fake.requests).toEqual([]);
  });

  it("createOrderPayment refuses an amount or currency other than the stored order's, before calling Xendit", async () => {
    await ledger.createOrder({ id: "o-1", amount: 75_000, currency: "IDR" });
    await expect(
      ledger.createOrderPayment({ id: "o-1", amount: 1_000, currency: "IDR" }, customer),
    ).rejects.toMatchObject({ code: "ORDER_AMOUNT_MISMATCH", orderId: "o-1" });
    await expect(
      ledger.createOrderPayment({ id: "o-1", amount: 75_000, currency: "USD" }, customer),
    ).rejects.toMatchObject({ code: "ORDER_AMOUNT_MISMATCH" });
    expect(fake.requests).toEqual([]);
    expect((await ledger.getOrder("o-1"))?.sessionId).toBeNull();
    // An order stored without an amount (an app's own table) takes the one given.
    await ledger.createOrder({ id: "o-2" });
    await expect(
      ledger.createOrderPayment({ id: "o-2", amount: 1_000, currency: "IDR" }, customer),
    ).resolves.toMatchObject({ created: true, session: { amount: 1_000 } });
  });

  it("failNext injects a Xendit error for one request", async () => {
    fake.failNext("POST", "/sessions", 400, {
      error_code: "API_VALIDATION_ERROR",
      message: "amount is too small",
    });
    await expect(
      ledger.createOrderPayment({ id: "o-1", amount: 1, currency: "IDR" }, customer),
    ).rejects.toMatchObject({ code: "API_VALIDATION_ERROR", status: 400 });
    expect((await ledger.getOrder("o-1"))?.sessionId).toBeNull();
    const retry = await ledger.createOrderPayment(
      { id: "o-1", amount: 1, currency: "IDR" },
      customer,
    );
    expect(retry.created).toBe(true);
  });
});
