import type { SqlExecutor } from "@lunas/core";
import {
  createPgExecutor,
  createPgPool,
  migrateCore,
  PostgresIdempotencyStore,
} from "@lunas/core/postgres";
import { createPostgresTestSchema, type TestDatabase } from "@lunas/core/testing";
import { createLedger, createXenditWebhooks, type XenditEvent } from "@lunas/xendit";
import { migrateXendit, PostgresLedgerStore } from "@lunas/xendit/postgres";
import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadFixture } from "../fixtures/load-fixture.js";
import { TOKEN, webhookRequest } from "./webhook-request.js";

const completed = loadFixture("webhook-payment-session-completed");

let db: TestDatabase;
let secondPool: pg.Pool;

beforeAll(async () => {
  db = await createPostgresTestSchema("xendit_webhooks");
  await migrateCore(db.executor, { schema: db.schema });
  await migrateXendit(db.executor, { schema: db.schema });
  // A second connection pool stands in for a second server process.
  secondPool = createPgPool({
    connectionString: db.connectionString as string,
    max: 10,
  }) as pg.Pool;
});
afterAll(async () => {
  await secondPool.end();
  await db.drop();
});

/** One server process: its own webhook handler and ledger over its own pool. */
function serverProcess(executor: SqlExecutor, effects: XenditEvent[]) {
  const ledger = createLedger({
    store: new PostgresLedgerStore(executor, { schema: db.schema }),
  });
  const webhooks = createXenditWebhooks({
    verificationTokens: [TOKEN],
    store: new PostgresIdempotencyStore(executor, { schema: db.schema }),
  });
  webhooks.on("payment_session.completed", async (event) => {
    await ledger.recordPaymentEvent(event);
    effects.push(event);
  });
  return { ledger, webhooks };
}

it("two processes on PostgreSQL, 50 concurrent deliveries of one webhook: one payment row, one effect", async () => {
  const effects: XenditEvent[] = [];
  const a = serverProcess(db.executor, effects);
  const b = serverProcess(createPgExecutor(secondPool), effects);
  await a.ledger.createOrder({ id: "order_12345_PAY", amount: 10_000, currency: "PHP" });

  let pending = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b));
  // Xendit retries what was not acknowledged (409 while another delivery holds the event).
  for (let round = 0; pending.length > 0; round++) {
    expect(round).toBeLessThan(10);
    const responses = await Promise.all(
      pending.map((server) => server.webhooks.handler(webhookRequest(completed))),
    );
    expect(responses.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    pending = pending.filter((_, i) => responses[i]?.status !== 200);
  }

  expect(effects).toHaveLength(1);
  const { rows } = await db.executor.query<{ n: string }>(
    `select count(*) as n from "${db.schema}".payments`,
  );
  expect(Number(rows[0]?.n)).toBe(1);
});
