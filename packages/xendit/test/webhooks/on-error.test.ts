import { MemoryIdempotencyStore } from "@lunas/core";
import { ManualClock } from "@lunas/core/testing";
import { createXenditWebhooks, type WebhookErrorContext, type XenditEvent } from "@lunas/xendit";
import { describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/load-fixture.js";
import { TOKEN, webhookRequest } from "./webhook-request.js";

const completed = loadFixture("webhook-payment-session-completed");
const KEY = "payment_session.completed:py-661f87c614802d6c402cd82d";

function setup(leaseMs = 30_000) {
  const clock = new ManualClock();
  const webhooks = createXenditWebhooks({
    verificationTokens: TOKEN,
    store: new MemoryIdempotencyStore(),
    clock,
    leaseMs,
  });
  const reports: [string, WebhookErrorContext][] = [];
  webhooks.onError((error, context) => {
    const what =
      typeof error === "string"
        ? error
        : ((error as { code?: string }).code ?? (error as Error).message);
    reports.push([what, context]);
  });
  return { clock, webhooks, reports };
}

/** A handler that signals when it starts and finishes only when told to. */
function gatedHandler() {
  let started!: () => void;
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let runs = 0;
  const handler = async () => {
    runs += 1;
    if (runs === 1) {
      started();
      await gate;
    }
  };
  return { handler, running, release, runs: () => runs };
}

describe("onError", () => {
  it("is not told about the sender's mistakes: bad token, non-JSON, non-object, broken shape, hostile depth", async () => {
    const { webhooks, reports } = setup();
    const answers = [
      await webhooks.handler(webhookRequest(completed, { token: "wrong" })),
      await webhooks.handler(webhookRequest("{not json", { raw: true })),
      await webhooks.handler(webhookRequest([1, 2])),
      await webhooks.handler(webhookRequest({ ...completed, data: { amount: "lots" } })),
      await webhooks.handler(
        webhookRequest(`{"event":"x.y","data":${'{"a":'.repeat(100)}1${"}".repeat(100)}}`, {
          raw: true,
        }),
      ),
    ].map((response) => response.status);
    expect(answers).toEqual([401, 400, 400, 400, 400]);
    expect(reports).toEqual([]);
  });

  it("is not told about Xendit's own retries: a concurrent duplicate's 409 and a changed payload's 422", async () => {
    const { webhooks, reports } = setup();
    const gated = gatedHandler();
    webhooks.on("payment_session.completed", gated.handler);
    const first = webhooks.handler(webhookRequest(completed));
    await gated.running;
    const duplicate = await webhooks.handler(webhookRequest(completed));
    expect(duplicate.status).toBe(409);
    gated.release();
    expect((await first).status).toBe(200);
    const changed = { ...completed, data: { ...(completed.data as object), amount: 1 } };
    expect((await webhooks.handler(webhookRequest(changed))).status).toBe(422);
    expect(reports).toEqual([]);
  });

  it("is told once, with the event's context, when the lease is lost to a takeover", async () => {
    const { webhooks, reports, clock } = setup(30_000);
    const gated = gatedHandler();
    webhooks.on("payment_session.completed", gated.handler);
    const first = webhooks.handler(webhookRequest(completed));
    await gated.running;
    clock.advance(30_001);
    expect((await webhooks.handler(webhookRequest(completed))).status).toBe(200);
    gated.release();
    const late = await first;
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ error: { code: "IDEMPOTENCY_LEASE_LOST" } });
    expect(reports).toEqual([
      ["IDEMPOTENCY_LEASE_LOST", { event: "payment_session.completed", key: KEY }],
    ]);
  });

  it("a failing handler is reported exactly once, not again by the endpoint", async () => {
    const { webhooks, reports } = setup();
    const failure = new Error("database down");
    webhooks.on("payment_session.completed", () => {
      throw failure;
    });
    expect((await webhooks.handler(webhookRequest(completed))).status).toBe(500);
    expect(reports).toEqual([["database down", { event: "payment_session.completed", key: KEY }]]);
  });

  it("a handler that throws a non-object is reported once too, and the delivery answers 500 HANDLER_FAILED", async () => {
    const { webhooks, reports } = setup();
    webhooks.on("payment_session.completed", () => {
      throw "plain string";
    });
    const response = await webhooks.handler(webhookRequest(completed));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { code: "HANDLER_FAILED" } });
    expect(reports).toEqual([["plain string", { event: "payment_session.completed", key: KEY }]]);
  });

  it("an onError handler that throws changes nothing and later handlers still run", async () => {
    const { webhooks, reports } = setup();
    const order: string[] = [];
    webhooks.onError(() => {
      order.push("throwing reporter");
      throw new Error("logger down");
    });
    webhooks.onError(() => {
      order.push("second reporter");
    });
    webhooks.on("payment_session.completed", () => {
      throw new Error("handler down");
    });
    expect((await webhooks.handler(webhookRequest(completed))).status).toBe(500);
    expect(order).toEqual(["throwing reporter", "second reporter"]);
    expect(reports).toHaveLength(1);
  });

  it("receive() takes the delivery's path: a failing handler is reported once and receive() rejects with its error", async () => {
    const { webhooks, reports } = setup();
    const failure = new Error("queue down");
    webhooks.on("payment_session.completed", () => {
      throw failure;
    });
    await expect(webhooks.receive(completed as XenditEvent)).rejects.toBe(failure);
    expect(reports).toEqual([["queue down", { event: "payment_session.completed", key: KEY }]]);
  });
});
