import { MemoryIdempotencyStore } from "@lunas/core";
import { ManualClock } from "@lunas/core/testing";
import {
  createLedger,
  createXenditWebhooks,
  MemoryLedgerStore,
  type UnknownXenditEvent,
} from "@lunas/xendit";
import { describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/load-fixture.js";
import { TOKEN, webhookRequest } from "./webhook-request.js";

const END_OF_TIME = 8_640_000_000_000_000;

function setup() {
  const clock = new ManualClock();
  const ledger = createLedger({ store: new MemoryLedgerStore(), clock });
  const store = new MemoryIdempotencyStore();
  const webhooks = createXenditWebhooks({ verificationTokens: TOKEN, store, clock });
  const known: string[] = [];
  for (const name of [
    "payment_session.completed",
    "payment_session.expired",
    "invoice.paid",
    "invoice.settled",
    "invoice.expired",
  ] as const) {
    webhooks.on(name, async (event) => {
      known.push(event.event);
      await ledger.recordPaymentEvent(event);
    });
  }
  const unknown: UnknownXenditEvent[] = [];
  webhooks.onUnknown((event) => {
    unknown.push(event);
  });
  const errors: unknown[] = [];
  webhooks.onError((error) => {
    errors.push(error);
  });
  return { ledger, store, webhooks, known, unknown, errors };
}

const otherProducts = [
  "fva-paid-callback",
  "va-created-callback",
  "retail-outlet-paid-callback",
  "disbursement-completed-callback",
] as const;

describe("callbacks of other Xendit products", () => {
  for (const name of otherProducts) {
    it(`${name}: 200 {ok, unknown, event: null}, handed to onUnknown as sent, nothing stored`, async () => {
      const { ledger, store, webhooks, known, unknown, errors } = setup();
      const body = loadFixture(name);
      const response = await webhooks.handler(webhookRequest(body));
      expect(response.status).toBe(200);
      // Never named as an invoice event: a retail-outlet SETTLING or a disbursement COMPLETED is not one.
      expect(await response.json()).toEqual({ ok: true, unknown: true, event: null });
      expect(unknown).toEqual([{ event: null, body }]);
      expect(known).toEqual([]);
      expect(errors).toEqual([]);
      expect((await ledger.counts()).payments).toBe(0);
      expect(await store.purgeExpired(END_OF_TIME)).toBe(0);
    });
  }

  it("any other JSON object with a valid token is acknowledged: an envelope without data, an empty object", async () => {
    const { webhooks, unknown } = setup();
    for (const body of [{ event: "qr.payment" }, {}, { status: "PAID" }, { external_id: "x" }]) {
      const response = await webhooks.handler(webhookRequest(body));
      expect(response.status).toBe(200);
    }
    expect(unknown.map((event) => event.event)).toEqual(["qr.payment", null, null, null]);
  });

  it("still 400: non-JSON, JSON that is not an object, a known event or an invoice callback with a broken shape", async () => {
    const { webhooks, unknown, known } = setup();
    const invoice = loadFixture("invoice-callback-paid");
    const completed = loadFixture("webhook-payment-session-completed");
    const refused = [
      webhookRequest("{not json", { raw: true }),
      webhookRequest([]),
      webhookRequest([invoice]),
      webhookRequest("a string"),
      webhookRequest(42),
      webhookRequest(null),
      webhookRequest({ ...invoice, amount: "150000" }),
      webhookRequest({ ...invoice, status: "EXPIRED", id: 7 }),
      webhookRequest({ ...completed, data: null }),
      webhookRequest({ event: "payment_session.expired" }),
    ];
    for (const request of refused) {
      const response = await webhooks.handler(request);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "INVALID_PAYLOAD" } });
    }
    expect(unknown).toEqual([]);
    expect(known).toEqual([]);
  });

  it("an invoice callback is recognised by its PAID / SETTLED / EXPIRED status together with external_id", async () => {
    const { webhooks, known, unknown } = setup();
    const invoice = loadFixture("invoice-callback-paid");
    for (const status of ["PAID", "SETTLED", "EXPIRED"]) {
      const response = await webhooks.handler(
        webhookRequest({ ...invoice, id: `inv-${status}`, status }),
      );
      expect(response.status).toBe(200);
    }
    const { external_id: _dropped, ...withoutExternalId } = invoice;
    expect((await webhooks.handler(webhookRequest(withoutExternalId))).status).toBe(200);
    expect(known).toEqual(["invoice.paid", "invoice.settled", "invoice.expired"]);
    expect(unknown).toEqual([{ event: null, body: withoutExternalId }]);
  });
});
