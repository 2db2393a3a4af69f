import { type IdempotencyStore, MemoryIdempotencyStore } from "@lunas/core";
import { ManualClock } from "@lunas/core/testing";
import {
  createLedger,
  createXenditWebhooks,
  MemoryLedgerStore,
  type XenditEvent,
} from "@lunas/xendit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/load-fixture.js";
import { OLD_TOKEN, TOKEN, webhookRequest } from "./webhook-request.js";

const completed = loadFixture("webhook-payment-session-completed");
const expired = loadFixture("webhook-payment-session-expired");
const invoicePaid = loadFixture("invoice-callback-paid");

// The last instant a Date can hold: every record has expired by then.
const END_OF_TIME = 8_640_000_000_000_000;
const HOUR_MS = 60 * 60 * 1000;

/** No idempotency record at all: purging everything removes nothing. */
async function isEmpty(store: MemoryIdempotencyStore): Promise<boolean> {
  return (await store.purgeExpired(END_OF_TIME)) === 0;
}

/** Webhooks wired the recommended way: record the payment, count the downstream effect. */
function setup() {
  const clock = new ManualClock();
  const ledgerStore = new MemoryLedgerStore();
  const ledger = createLedger({ store: ledgerStore, clock });
  const idempotencyStore = new MemoryIdempotencyStore();
  const webhooks = createXenditWebhooks({
    verificationTokens: [TOKEN, OLD_TOKEN],
    store: idempotencyStore,
    clock,
  });
  const effects: XenditEvent[] = [];
  const record = async (event: XenditEvent) => {
    await ledger.recordPaymentEvent(event);
    effects.push(event);
  };
  webhooks.on("payment_session.completed", record);
  webhooks.on("payment_session.expired", record);
  webhooks.on("invoice.paid", record);
  webhooks.on("invoice.settled", record);
  webhooks.on("invoice.expired", record);
  return { clock, ledger, ledgerStore, idempotencyStore, webhooks, effects };
}

describe("verify", () => {
  const { webhooks } = setup();

  it("accepts the current and the previous token during a rotation", () => {
    expect(webhooks.verify(webhookRequest({}, { token: TOKEN }))).toBe(true);
    expect(webhooks.verify(webhookRequest({}, { token: OLD_TOKEN }))).toBe(true);
    expect(webhooks.verify(new Headers({ "x-callback-token": TOKEN }))).toBe(true);
    expect(webhooks.verify({ "x-callback-token": OLD_TOKEN })).toBe(true);
  });

  it("rejects a wrong, truncated, extended, empty, missing or repeated token", () => {
    for (const token of ["nope", TOKEN.slice(0, -1), `${TOKEN}x`, "", TOKEN.toUpperCase()]) {
      expect(webhooks.verify(webhookRequest({}, { token }))).toBe(false);
    }
    expect(webhooks.verify(webhookRequest({}, { token: null }))).toBe(false);
    expect(webhooks.verify({ "x-callback-token": [TOKEN, "other"] })).toBe(false);
    expect(webhooks.verify({})).toBe(false);
  });

  it("refuses bad options", () => {
    const store = new MemoryIdempotencyStore();
    expect(() => createXenditWebhooks({ verificationTokens: [], store })).toThrow(
      /INVALID|verification/i,
    );
    expect(() => createXenditWebhooks({ verificationTokens: ["a", "b", "c"], store })).toThrow();
    expect(() => createXenditWebhooks({ verificationTokens: [""], store })).toThrow();
    expect(() =>
      createXenditWebhooks({ verificationTokens: ["a"], store, retentionMs: 60_000 }),
    ).toThrow(/24 h/);
    expect(() => setup().webhooks.on("payment.capture" as "invoice.paid", () => {})).toThrow(
      /onUnknown/,
    );
  });
});

describe("handler", () => {
  it("handles Xendit's documented payment_session.completed example with a plain Web Request", async () => {
    const { webhooks, effects, ledger } = setup();
    const response = await webhooks.handler(webhookRequest(completed));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ok: true,
      event: "payment_session.completed",
      key: "payment_session.completed:py-661f87c614802d6c402cd82d",
      replayed: false,
    });
    expect(effects).toHaveLength(1);
    const event = effects[0];
    if (event?.event !== "payment_session.completed") throw new Error("wrong event");
    expect(event.data.payment_session_id).toBe("ps-661f87c614802d6c402cd82d");
    expect((await ledger.counts()).payments).toBe(1);
  });

  it("same webhook replayed 10x sequentially: one payment row, one downstream effect", async () => {
    const { webhooks, effects, ledger } = setup();
    const bodies: unknown[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await webhooks.handler(webhookRequest(completed));
      expect(response.status).toBe(200);
      bodies.push(await response.json());
    }
    expect(bodies.filter((b) => (b as { replayed: boolean }).replayed)).toHaveLength(9);
    expect(effects).toHaveLength(1);
    expect(await ledger.counts()).toMatchObject({ payments: 1 });
  });

  it.each([10, 50])(
    "same webhook %ix concurrently: one effect, the rest 200 (replayed) or 409 with Retry-After, then all settle",
    async (times) => {
      const { webhooks, effects, ledger } = setup();
      const responses = await Promise.all(
        Array.from({ length: times }, () => webhooks.handler(webhookRequest(completed))),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
      for (const response of responses.filter((r) => r.status === 409)) {
        expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        expect(await response.json()).toMatchObject({ error: { code: "IDEMPOTENCY_IN_PROGRESS" } });
      }
      // Xendit retries the 409s later; they replay.
      const retries = await Promise.all(
        statuses.filter((s) => s === 409).map(() => webhooks.handler(webhookRequest(completed))),
      );
      expect(retries.every((r) => r.status === 200)).toBe(true);
      expect(effects).toHaveLength(1);
      expect(await ledger.counts()).toMatchObject({ payments: 1 });
    },
  );

  it("with the default retention, Xendit's last retry ~24 h later still replays; a week later the record is gone", async () => {
    const { webhooks, effects, clock, idempotencyStore } = setup();
    expect((await webhooks.handler(webhookRequest(completed))).status).toBe(200);
    // Xendit's sixth and last retry comes about 24 h after the first attempt; purging has run by then.
    clock.advance(24 * HOUR_MS + 5 * 60_000);
    await idempotencyStore.purgeExpired(clock.now());
    const lastRetry = await webhooks.handler(webhookRequest(completed));
    expect(await lastRetry.json()).toMatchObject({ ok: true, replayed: true });
    expect(effects).toHaveLength(1);
    // Past the 7-day retention the purge really removes it: the record was what kept the retry out.
    clock.advance(7 * 24 * HOUR_MS);
    expect(await idempotencyStore.purgeExpired(clock.now())).toBe(1);
    expect(await (await webhooks.handler(webhookRequest(completed))).json()).toMatchObject({
      replayed: false,
    });
    expect(effects).toHaveLength(2);
  });

  it("a delivery arriving while the first is still running gets 409 + Retry-After", async () => {
    const clock = new ManualClock();
    const webhooks = createXenditWebhooks({
      verificationTokens: [TOKEN],
      store: new MemoryIdempotencyStore(),
      clock,
      leaseMs: 30_000,
    });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let runs = 0;
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    webhooks.on("payment_session.completed", async () => {
      runs += 1;
      started();
      await gate;
    });
    const first = webhooks.handler(webhookRequest(completed));
    // The first delivery holds the claim once its handler runs, however long that took to happen.
    await running;
    const second = await webhooks.handler(webhookRequest(completed));
    expect(second.status).toBe(409);
    expect(second.headers.get("retry-after")).toBe("30");
    release();
    expect((await first).status).toBe(200);
    expect(runs).toBe(1);
  });

  it("wrong or missing token: 401, handlers not run, no rows", async () => {
    const { webhooks, effects, ledger, idempotencyStore } = setup();
    for (const token of ["wrong", null, ""]) {
      const response = await webhooks.handler(webhookRequest(completed, { token }));
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("UNAUTHORIZED");
      expect(body.error.message).toMatch(/Xendit dashboard/);
      expect(body.error.message).not.toContain(TOKEN);
    }
    expect(effects).toHaveLength(0);
    expect((await ledger.counts()).payments).toBe(0);
    expect(await isEmpty(idempotencyStore)).toBe(true);
  });

  it("malformed JSON: 400, no rows", async () => {
    const { webhooks, ledger, idempotencyStore } = setup();
    const response = await webhooks.handler(webhookRequest("{not json", { raw: true }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      "INVALID_PAYLOAD",
    );
    expect((await ledger.counts()).payments).toBe(0);
    expect(await isEmpty(idempotencyStore)).toBe(true);
  });

  it("a known event with a bad shape: 400 INVALID_PAYLOAD saying which field, without the token", async () => {
    const { webhooks, idempotencyStore } = setup();
    const bad = { ...completed, data: { ...(completed.data as object), amount: "lots" } };
    const response = await webhooks.handler(webhookRequest(bad));
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("INVALID_PAYLOAD");
    expect(error.message).toMatch(/^Malformed payment_session\.completed: .*data\.amount/);
    expect(error.message).not.toContain(TOKEN);
    expect(await isEmpty(idempotencyStore)).toBe(true);
  });

  it("a known event with U+0000 in a string (PostgreSQL cannot store it): 400, no rows, no retries", async () => {
    const { webhooks, effects, ledger, idempotencyStore } = setup();
    const nul = { ...completed, data: { ...(completed.data as object), description: "a\u0000b" } };
    const response = await webhooks.handler(webhookRequest(nul));
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error).toMatchObject({ code: "INVALID_PAYLOAD" });
    expect(error.message).toMatch(/data\.description.*U\+0000/);
    expect(effects).toHaveLength(0);
    expect((await ledger.counts()).payments).toBe(0);
    expect(await isEmpty(idempotencyStore)).toBe(true);
  });

  it("fast-check: arbitrary bodies and wrong shapes never 500 and never write; known events with bad shapes are 400", async () => {
    const { webhooks, ledger, effects, idempotencyStore } = setup();
    const knownName = fc.constantFrom("payment_session.completed", "payment_session.expired");
    const wrongShape = fc.oneof(
      // a known event whose data is anything but a session
      fc.record({
        event: knownName,
        business_id: fc.oneof(fc.string(), fc.integer()),
        created: fc.string(),
        data: fc.oneof(fc.anything(), fc.dictionary(fc.string(), fc.jsonValue())),
      }),
      // the documented payload with one field replaced by a wrong type
      fc
        .record({
          field: fc.constantFrom("payment_session_id", "status", "amount", "currency"),
          value: fc.oneof(fc.constant(null), fc.boolean(), fc.array(fc.integer()), fc.object()),
        })
        .map(({ field, value }) => ({
          ...completed,
          data: { ...(completed.data as object), [field]: value },
        })),
      // an invoice callback with a wrong type
      fc
        .record({
          field: fc.constantFrom("id", "amount", "external_id"),
          value: fc.oneof(fc.constant(null), fc.boolean(), fc.object()),
        })
        .map(({ field, value }) => ({ ...invoicePaid, [field]: value })),
    );
    await fc.assert(
      fc.asyncProperty(wrongShape, async (body) => {
        const response = await webhooks.handler(webhookRequest(body));
        expect(response.status).toBe(400);
        const { error } = (await response.json()) as { error: { code: string; message: string } };
        expect(error.code).toBe("INVALID_PAYLOAD");
        expect(error.message).toMatch(/^Malformed /);
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (text) => {
          const response = await webhooks.handler(webhookRequest(text, { raw: true }));
          expect([200, 400]).toContain(response.status);
        },
      ),
      { numRuns: 300 },
    );
    expect(effects).toHaveLength(0);
    expect((await ledger.counts()).payments).toBe(0);
    expect(await isEmpty(idempotencyStore)).toBe(true);
  });

  it("acknowledges unknown events with 200 {ok, unknown} and reports them, claiming no key", async () => {
    const { webhooks, ledger, idempotencyStore } = setup();
    const seen: unknown[] = [];
    webhooks.onUnknown((event) => {
      seen.push(event.event);
    });
    const capture = {
      event: "payment.capture",
      business_id: "6094fa76c2fd53701b8e079c",
      created: "2021-12-02T14:52:21.566Z",
      data: { payment_id: "py-1", status: "SUCCEEDED" },
    };
    const response = await webhooks.handler(webhookRequest(capture));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, unknown: true, event: "payment.capture" });
    const pending = await webhooks.handler(webhookRequest({ ...invoicePaid, status: "PENDING" }));
    expect(pending.status).toBe(200);
    // A flat body is never named after its status: only a known invoice status makes an invoice event.
    expect(seen).toEqual(["payment.capture", null]);
    expect((await ledger.counts()).payments).toBe(0);
    // Not deduplicated: a redelivery is reported again, and nothing was stored.
    expect((await webhooks.handler(webhookRequest(capture))).status).toBe(200);
    expect(seen).toEqual(["payment.capture", null, "payment.capture"]);
    expect(await isEmpty(idempotencyStore)).toBe(true);
  });

  it("an invoice status named like an Object.prototype member is unknown, not a broken known event", async () => {
    const { webhooks, idempotencyStore } = setup();
    const seen: unknown[] = [];
    webhooks.onUnknown((event) => {
      seen.push(event.event);
    });
    for (const status of ["constructor", "toString", "__proto__"]) {
      const response = await webhooks.handler(webhookRequest({ ...invoicePaid, status }));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true, unknown: true, event: null });
    }
    expect(seen).toEqual([null, null, null]);
    expect(await isEmpty(idempotencyStore)).toBe(true);
  });

  it("an onUnknown handler that throws is reported to onError and the event is still acknowledged", async () => {
    const { webhooks, idempotencyStore } = setup();
    const errors: unknown[] = [];
    webhooks.onUnknown(() => {
      throw new Error("metrics down");
    });
    webhooks.onError((error, context) => {
      errors.push([(error as Error).message, context]);
    });
    const response = await webhooks.handler(
      webhookRequest({ event: "payment.capture", business_id: "b", created: "c", data: {} }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, unknown: true, event: "payment.capture" });
    expect(errors).toEqual([["metrics down", {}]]);
    expect(await isEmpty(idempotencyStore)).toBe(true);
  });

  it("a redelivery with a new envelope timestamp replays; the handler does not run again", async () => {
    const { webhooks, effects } = setup();
    expect((await webhooks.handler(webhookRequest(completed))).status).toBe(200);
    const later = await webhooks.handler(
      webhookRequest({ ...completed, created: "2030-01-01T00:00:00.000Z" }),
    );
    expect(later.status).toBe(200);
    expect(await later.json()).toMatchObject({ replayed: true });
    expect(effects).toHaveLength(1);
  });

  it("handler() and receive() share one dedupe: an event handled over HTTP replays in receive()", async () => {
    const { webhooks, effects } = setup();
    expect((await webhooks.handler(webhookRequest(completed))).status).toBe(200);
    expect((await webhooks.receive(completed as XenditEvent)).replayed).toBe(true);
    expect(effects).toHaveLength(1);
  });

  it("turns legacy invoice callbacks into invoice.paid / invoice.settled, each once", async () => {
    const { webhooks, effects, ledger } = setup();
    const paid = await webhooks.handler(webhookRequest(invoicePaid));
    expect(await paid.json()).toMatchObject({
      event: "invoice.paid",
      key: "invoice:62f00ac409accd62c85673c4:PAID",
    });
    await webhooks.handler(webhookRequest(invoicePaid));
    const settled = await webhooks.handler(webhookRequest({ ...invoicePaid, status: "SETTLED" }));
    expect(await settled.json()).toMatchObject({ event: "invoice.settled", replayed: false });
    expect(effects.map((e) => e.event)).toEqual(["invoice.paid", "invoice.settled"]);
    const payment = (await ledger.counts()).paymentsByStatus;
    expect(payment).toEqual({ expired: 0, paid: 0, settled: 1 });
  });

  it("handles payment_session.expired, keyed by session", async () => {
    const { webhooks } = setup();
    const response = await webhooks.handler(webhookRequest(expired));
    expect(await response.json()).toMatchObject({
      key: "payment_session.expired:ps-661f87c614802d6c402cd82d",
    });
  });

  it("keys a completed SAVE session without payment_id by its session id", async () => {
    const { webhooks } = setup();
    const save = {
      ...completed,
      data: { ...(completed.data as object), session_type: "SAVE", payment_id: undefined },
    };
    const response = await webhooks.handler(webhookRequest(save));
    expect(await response.json()).toMatchObject({
      key: "payment_session.completed:ps-661f87c614802d6c402cd82d",
    });
  });

  it("a failing handler answers 500, reports to onError, and the retry runs it again", async () => {
    const webhooks = createXenditWebhooks({
      verificationTokens: [TOKEN],
      store: new MemoryIdempotencyStore(),
    });
    let attempts = 0;
    const errors: unknown[] = [];
    webhooks.on("payment_session.completed", async () => {
      attempts += 1;
      if (attempts === 1) throw new Error("database down");
    });
    webhooks.onError((error, context) => {
      errors.push([(error as Error).message, context.key]);
    });
    const first = await webhooks.handler(webhookRequest(completed));
    expect(first.status).toBe(500);
    expect(errors).toEqual([
      ["database down", "payment_session.completed:py-661f87c614802d6c402cd82d"],
    ]);
    expect(await first.json()).toMatchObject({ error: { code: "HANDLER_FAILED" } });
    const retry = await webhooks.handler(webhookRequest(completed));
    expect(retry.status).toBe(200);
    expect(attempts).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it("a failing idempotency store answers 500 INTERNAL_ERROR, runs no handler, and reports with the event's context", async () => {
    const inner = new MemoryIdempotencyStore();
    const store: IdempotencyStore = {
      claim: async () => {
        throw new Error("connection refused");
      },
      complete: (...args) => inner.complete(...args),
      release: (...args) => inner.release(...args),
      get: (key) => inner.get(key),
      purgeExpired: (now) => inner.purgeExpired(now),
    };
    const webhooks = createXenditWebhooks({ verificationTokens: [TOKEN], store });
    let runs = 0;
    webhooks.on("payment_session.completed", () => {
      runs += 1;
    });
    const errors: unknown[] = [];
    webhooks.onError((error, context) => {
      errors.push([(error as Error).message, context]);
    });
    const response = await webhooks.handler(webhookRequest(completed));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { code: "INTERNAL_ERROR" } });
    expect(runs).toBe(0);
    expect(errors).toEqual([
      [
        "connection refused",
        {
          event: "payment_session.completed",
          key: "payment_session.completed:py-661f87c614802d6c402cd82d",
        },
      ],
    ]);
  });

  it("answers 422 when an event id comes back with different content", async () => {
    const { webhooks } = setup();
    await webhooks.handler(webhookRequest(completed));
    const changed = {
      ...completed,
      data: { ...(completed.data as object), amount: 999 },
    };
    const response = await webhooks.handler(webhookRequest(changed));
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      error: { code: "IDEMPOTENCY_PAYLOAD_MISMATCH" },
    });
  });

  it("answers 405 to non-POST and 413 to oversized bodies", async () => {
    const webhooks = createXenditWebhooks({
      verificationTokens: [TOKEN],
      store: new MemoryIdempotencyStore(),
      maxBodyBytes: 100,
    });
    const get = await webhooks.handler(new Request("https://shop.example/webhooks/xendit"));
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(await get.json()).toMatchObject({ error: { code: "METHOD_NOT_ALLOWED" } });
    const big = await webhooks.handler(webhookRequest({ pad: "x".repeat(500) }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
  });

  it("receive() and on() refuse bad input with a typed error and run or store nothing", async () => {
    const { webhooks, effects, idempotencyStore } = setup();
    const bad = [
      null,
      { event: "payment_session.completed" },
      // a session id but none of the rest: a handler must never see it
      { event: "payment_session.completed", data: { payment_session_id: "ps-1" } },
      { event: "invoice.paid", data: { ...invoicePaid, status: "EXPIRED" } },
    ];
    for (const event of bad) {
      await expect(webhooks.receive(event as never)).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
    }
    expect(() => webhooks.on("invoice.paid", "not a function" as never)).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
    expect(effects).toHaveLength(0);
    expect(await isEmpty(idempotencyStore)).toBe(true);
  });

  it("receive() runs handlers for an already parsed event once", async () => {
    const { webhooks, effects } = setup();
    const event = completed as XenditEvent;
    expect(await webhooks.receive(event)).toEqual({
      key: "payment_session.completed:py-661f87c614802d6c402cd82d",
      replayed: false,
    });
    expect((await webhooks.receive(event)).replayed).toBe(true);
    expect(effects).toHaveLength(1);
  });
});
