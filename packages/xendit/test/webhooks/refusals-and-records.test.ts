// What a mutation run showed no other webhook test pins down: the wording of
// each refusal at set-up (which option, which handler), the record a handled
// delivery leaves in the idempotency store, and the repeated-header rule for a
// token whose text could be mistaken for two joined copies.
import { MemoryIdempotencyStore } from "@lunas/core";
import { createXenditWebhooks, XENDIT_EVENT_NAMES } from "@lunas/xendit";
import { describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/load-fixture.js";
import { TOKEN, webhookRequest } from "./webhook-request.js";

const completed = loadFixture("webhook-payment-session-completed");
const KEY = "payment_session.completed:py-661f87c614802d6c402cd82d";

const setup = () => {
  const store = new MemoryIdempotencyStore();
  return { store, webhooks: createXenditWebhooks({ verificationTokens: TOKEN, store }) };
};

describe("createXenditWebhooks: what each refusal names", () => {
  it("bad options are 'Invalid Xendit webhook options', naming the field", () => {
    expect(() =>
      createXenditWebhooks({
        verificationTokens: TOKEN,
        store: new MemoryIdempotencyStore(),
        leaseMs: 0,
      }),
    ).toThrow(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        message: expect.stringMatching(/^Invalid Xendit webhook options: leaseMs: /),
      }),
    );
  });

  it("on() with an unknown event lists the known ones, comma-separated, and points to onUnknown", () => {
    const { webhooks } = setup();
    expect(() => webhooks.on("payment.capture" as "invoice.paid", () => {})).toThrow(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        message: `Unknown Xendit event "payment.capture"; known: ${XENDIT_EVENT_NAMES.join(", ")}. Use onUnknown for others.`,
      }),
    );
    expect(XENDIT_EVENT_NAMES.join(", ")).toContain("payment_session.completed, ");
  });

  it("a handler that is not a function is refused naming where it was given", () => {
    const { webhooks } = setup();
    const notAFunction = "not a function" as never;
    const refusal = (what: string) =>
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        message: `Invalid ${what}: (root): must be a function`,
      });
    expect(() => webhooks.on("invoice.paid", notAFunction)).toThrow(
      refusal("handler for invoice.paid"),
    );
    expect(() => webhooks.onUnknown(notAFunction)).toThrow(refusal("onUnknown handler"));
    expect(() => webhooks.onError(notAFunction)).toThrow(refusal("onError handler"));
  });
});

describe("createXenditWebhooks: the record a delivery leaves", () => {
  it("a handled event is stored completed with how many handlers ran, over HTTP and through receive()", async () => {
    const overHttp = setup();
    overHttp.webhooks.on("payment_session.completed", () => {});
    overHttp.webhooks.on("payment_session.completed", () => {});
    expect((await overHttp.webhooks.handler(webhookRequest(completed))).status).toBe(200);
    expect(await overHttp.store.get(KEY)).toMatchObject({
      status: "completed",
      result: { handlers: 2 },
    });

    const direct = setup();
    await direct.webhooks.receive(completed as never);
    expect(await direct.store.get(KEY)).toMatchObject({
      status: "completed",
      result: { handlers: 0 },
    });
  });
});

describe("createXenditWebhooks: a repeated header", () => {
  it("is refused even when its copies joined with a comma would spell the configured token", () => {
    const webhooks = createXenditWebhooks({
      verificationTokens: "part-one,part-two",
      store: new MemoryIdempotencyStore(),
    });
    expect(webhooks.verify({ "x-callback-token": "part-one,part-two" })).toBe(true);
    expect(webhooks.verify({ "x-callback-token": ["part-one,part-two"] })).toBe(true);
    expect(webhooks.verify({ "x-callback-token": ["part-one", "part-two"] })).toBe(false);
  });
});
