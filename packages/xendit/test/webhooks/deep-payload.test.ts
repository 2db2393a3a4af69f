import { InvalidArgumentError, MemoryIdempotencyStore } from "@lunas/core";
import { migrateCore, PostgresIdempotencyStore } from "@lunas/core/postgres";
import { createPostgresTestSchema, ManualClock, type TestDatabase } from "@lunas/core/testing";
import {
  createLedger,
  createXenditWebhooks,
  type LedgerStore,
  MemoryLedgerStore,
  xenditEventSchema,
} from "@lunas/xendit";
import { migrateXendit, PostgresLedgerStore } from "@lunas/xendit/postgres";
import { buildPaymentSessionCompleted } from "@lunas/xendit/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TOKEN, webhookRequest } from "./webhook-request.js";

// Built as text: building the object and stringifying it would itself overflow the stack.
function completedWithMetadataDepth(depth: number, sessionId: string): string {
  const event = buildPaymentSessionCompleted({ sessionId, orderId: `order-${sessionId}` });
  const marker = '"__deep__"';
  const text = JSON.stringify({
    ...event,
    data: { ...event.data, metadata: { order_id: `order-${sessionId}`, nested: "__deep__" } },
  });
  return text.replace(marker, `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`);
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createPostgresTestSchema("xendit_deep");
  await migrateCore(db.executor, { schema: db.schema });
  await migrateXendit(db.executor, { schema: db.schema });
});
afterAll(async () => {
  await db.drop();
});

const ledgers: { name: string; store: () => LedgerStore; idempotency: () => unknown }[] = [
  {
    name: "memory",
    store: () => new MemoryLedgerStore(),
    idempotency: () => new MemoryIdempotencyStore(),
  },
  {
    name: "PostgreSQL",
    store: () => new PostgresLedgerStore(db.executor, { schema: db.schema }),
    idempotency: () => new PostgresIdempotencyStore(db.executor, { schema: db.schema }),
  },
];

describe.each(ledgers)("deeply nested metadata through the whole path ($name ledger)", (setup) => {
  function endpoint() {
    const store = setup.store();
    const ledger = createLedger({ store, clock: new ManualClock() });
    const webhooks = createXenditWebhooks({
      verificationTokens: TOKEN,
      store: setup.idempotency() as MemoryIdempotencyStore,
    });
    const errors: unknown[] = [];
    webhooks.on("payment_session.completed", async (event) => {
      await ledger.recordPaymentEvent(event);
    });
    webhooks.onError((error) => {
      errors.push(error);
    });
    return { ledger, store, webhooks, errors };
  }

  it("fast-check: 4,500-6,000 levels answer 400 at the parse on every delivery, never 500; nothing stored", async () => {
    const { ledger, webhooks, errors } = endpoint();
    const before = (await ledger.counts()).payments;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 4_500, max: 6_000 }), async (depth) => {
        const body = completedWithMetadataDepth(depth, `ps-deep-${depth}`);
        for (let delivery = 0; delivery < 2; delivery++) {
          const response = await webhooks.handler(webhookRequest(body, { raw: true }));
          expect(response.status).toBe(400);
          const { error } = (await response.json()) as { error: { code: string; message: string } };
          expect(error.code).toBe("INVALID_PAYLOAD");
          expect(error.message).toMatch(
            /data\.metadata\.nested(\.a)+: nests deeper than 64 levels/,
          );
        }
      }),
      { numRuns: 15 },
    );
    expect((await ledger.counts()).payments).toBe(before);
    // A 400 at the parse is the sender's problem, not reported as a failure.
    expect(errors).toEqual([]);
  });

  it("fast-check: any depth up to the limit is stored in the ledger, and the same event replays", async () => {
    const { store, webhooks } = endpoint();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 60 }), async (depth) => {
        run += 1;
        const sessionId = `ps-ok-${run}-${depth}`;
        const body = completedWithMetadataDepth(depth, sessionId);
        const first = await webhooks.handler(webhookRequest(body, { raw: true }));
        expect(first.status).toBe(200);
        const again = await webhooks.handler(webhookRequest(body, { raw: true }));
        expect(await again.json()).toMatchObject({ ok: true, replayed: true });
        const payment = await store.getPayment(sessionId);
        expect(payment).toMatchObject({ status: "paid", metadataOrderId: `order-${sessionId}` });
        // The stored event still holds the whole nesting.
        const raw = payment?.rawEvent as { data: { metadata: { nested: unknown } } } | undefined;
        let level = raw?.data.metadata.nested;
        for (let i = 0; i < depth; i++) level = (level as { a: unknown }).a;
        expect(level).toBe(1);
      }),
      { numRuns: 20 },
    );
  });

  it("an event from elsewhere nesting past the limit is refused by the ledger with INVALID_ARGUMENT, not a stack overflow", async () => {
    const { ledger, store } = endpoint();
    const deep = JSON.parse(completedWithMetadataDepth(6_000, "ps-direct"));
    await expect(ledger.recordPaymentEvent(deep)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await store.getPayment("ps-direct")).toBeNull();
  });
});

it("a delivered event is validated once: the ledger takes the parsed event without checking it again", async () => {
  const ledger = createLedger({ store: new MemoryLedgerStore() });
  const webhooks = createXenditWebhooks({
    verificationTokens: TOKEN,
    store: new MemoryIdempotencyStore(),
  });
  webhooks.on("payment_session.completed", async (event) => {
    await ledger.recordPaymentEvent(event);
  });
  const checks = vi.spyOn(xenditEventSchema, "safeParse");
  try {
    const body = buildPaymentSessionCompleted({ sessionId: "ps-once", orderId: "order-once" });
    expect((await webhooks.handler(webhookRequest(body))).status).toBe(200);
    expect(checks).not.toHaveBeenCalled();
    // An event that did not come from a parse here is checked, once.
    await ledger.recordPaymentEvent(buildPaymentSessionCompleted({ sessionId: "ps-other" }));
    expect(checks).toHaveBeenCalledTimes(1);
  } finally {
    checks.mockRestore();
  }
  expect((await ledger.counts()).payments).toBe(2);
});
