import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { SqlExecutor } from "@lunas/core";
import { createPgliteExecutor, migrateCore } from "@lunas/core/postgres";
import {
  createPgliteTestDatabase,
  createPostgresTestSchema,
  ManualClock,
  type TestDatabase,
} from "@lunas/core/testing";
import {
  createTransactionalXenditWebhooks,
  migrateXendit,
  type TransactionalXenditWebhooksOptions,
} from "@lunas/xendit/postgres";
import { buildPaymentSessionCompleted, buildPaymentSessionExpired } from "@lunas/xendit/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { killAfterWrites } from "../../../../test-support/kill-after-writes.js";
import { TOKEN, webhookRequest } from "./webhook-request.js";

const child = fileURLToPath(new URL("./fixtures/transactional-webhook-child.ts", import.meta.url));
const T0 = Date.UTC(2026, 0, 1, 0, 5, 0, 0);
const paid = buildPaymentSessionCompleted({ sessionId: "ps-1", orderId: "order-1" });
const paidKey = "payment_session.completed:py-ps-1";

async function prepare(executor: SqlExecutor, schema: string): Promise<void> {
  await migrateCore(executor, { schema });
  await migrateXendit(executor, { schema });
  await executor.exec(
    `create table "${schema}".effects (id serial primary key, session_id text not null)`,
  );
}

async function count(executor: SqlExecutor, table: string): Promise<number> {
  const { rows } = await executor.query<{ n: number }>(`select count(*)::int as n from ${table}`);
  return rows[0]?.n ?? -1;
}

/** Every row a delivery can leave, so "nothing written" is checked whole. */
async function state(executor: SqlExecutor, s: string) {
  const { rows } = await executor.query<{ session_id: string | null }>(
    `select session_id from "${s}".orders where id = 'order-1'`,
  );
  return {
    records: await count(executor, `"${s}".lunas_idempotency`),
    payments: await count(executor, `"${s}".payments`),
    jobs: await count(executor, `"${s}".lunas_outbox`),
    effects: await count(executor, `"${s}".effects`),
    orderSession: rows[0]?.session_id ?? null,
  };
}

const NOTHING = { records: 0, payments: 0, jobs: 0, effects: 0, orderSession: null };
const ONCE = { records: 1, payments: 1, jobs: 1, effects: 1, orderSession: "ps-1" };

describe.each([
  ["PostgreSQL", () => createPostgresTestSchema("xendit_txwh")],
  ["PGlite", () => createPgliteTestDatabase()],
])("createTransactionalXenditWebhooks on %s", (_name, createDb) => {
  let db: TestDatabase;
  let s: string;
  let calls: string[];
  let errors: unknown[];

  beforeAll(async () => {
    db = await createDb();
    s = db.schema;
    await prepare(db.executor, s);
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    await db.executor.exec(
      `truncate "${s}".orders, "${s}".payments, "${s}".effects, "${s}".lunas_outbox, "${s}".lunas_idempotency`,
    );
    await db.executor.query(
      `insert into "${s}".orders (id, amount, currency, created_at) values ('order-1', 150000, 'IDR', now())`,
    );
    calls = [];
    errors = [];
  });

  /** The app's endpoint: the ledger, one fulfilment job per paid order, one row of its own per event. */
  const webhooks = (overrides: Partial<TransactionalXenditWebhooksOptions> = {}) =>
    createTransactionalXenditWebhooks({
      executor: db.executor,
      schema: s,
      verificationTokens: TOKEN,
      clock: new ManualClock(T0),
      fulfilmentQueue: "fulfil-order",
      async onEvent(event, { tx, recorded }) {
        calls.push(event.event);
        await tx.query(`insert into "${s}".effects (session_id) values ($1)`, [
          recorded.payment.sessionId,
        ]);
        // Long enough that concurrent deliveries arrive while this transaction is open.
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
      onError: (error) => {
        errors.push(error);
      },
      ...overrides,
    });

  it("a paid delivery records the payment on its order, its fulfilment job and the app's row in one commit", async () => {
    const response = await webhooks().handler(webhookRequest(paid));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ok: true,
      event: "payment_session.completed",
      key: paidKey,
      replayed: false,
    });
    expect(await state(db.executor, s)).toEqual(ONCE);
    const { rows: payments } = await db.executor.query(
      `select session_id, order_id, status from "${s}".payments`,
    );
    expect(payments).toEqual([{ session_id: "ps-1", order_id: "order-1", status: "paid" }]);
    const { rows: jobs } = await db.executor.query(
      `select queue, data, options from "${s}".lunas_outbox`,
    );
    expect(jobs).toEqual([
      {
        queue: "fulfil-order",
        data: {
          orderId: "order-1",
          sessionId: "ps-1",
          event: "payment_session.completed",
          key: paidKey,
        },
        options: { singletonKey: "order-1" },
      },
    ]);
    expect(errors).toEqual([]);
  });

  it("a replay answers the same and writes nothing", async () => {
    const endpoint = webhooks();
    await endpoint.handler(webhookRequest(paid));
    const versions = `select (select string_agg(xmin::text, ',') from "${s}".lunas_idempotency) as records,
      (select string_agg(xmin::text, ',') from "${s}".payments) as payments,
      (select string_agg(xmin::text, ',') from "${s}".orders) as orders`;
    const { rows: before } = await db.executor.query(versions);
    const again = await endpoint.handler(webhookRequest(paid));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({
      ok: true,
      event: "payment_session.completed",
      key: paidKey,
      replayed: true,
    });
    const { rows: after } = await db.executor.query(versions);
    expect(after, "no row was rewritten").toEqual(before);
    expect(calls).toEqual(["payment_session.completed"]);
    expect(await state(db.executor, s)).toEqual(ONCE);
  });

  it("20 concurrent deliveries of one event: one payment row, one job, the app's code once, every delivery 200", async () => {
    const endpoint = webhooks();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => endpoint.handler(webhookRequest(paid))),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { replayed: boolean }[];
    expect(bodies.filter((b) => !b.replayed)).toHaveLength(1);
    expect(calls).toEqual(["payment_session.completed"]);
    expect(await state(db.executor, s)).toEqual(ONCE);
  });

  it("an onEvent that throws leaves nothing of the transaction (500, reported), and the redelivery runs it", async () => {
    const refusal = new Error("stock service says no");
    let fail = true;
    const endpoint = webhooks({
      async onEvent(event, { tx, recorded }) {
        calls.push(event.event);
        await tx.query(`insert into "${s}".effects (session_id) values ($1)`, [
          recorded.payment.sessionId,
        ]);
        if (fail) throw refusal;
      },
    });
    const failed = await endpoint.handler(webhookRequest(paid));
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe(
      "HANDLER_FAILED",
    );
    expect(errors).toEqual([refusal]);
    expect(
      await state(db.executor, s),
      "payment, order link, job, row and claim rolled back",
    ).toEqual(NOTHING);

    fail = false;
    const retried = await endpoint.handler(webhookRequest(paid));
    expect(retried.status).toBe(200);
    expect(((await retried.json()) as { replayed: boolean }).replayed).toBe(false);
    expect(calls).toHaveLength(2);
    expect(await state(db.executor, s)).toEqual(ONCE);
  });

  it("a wrong or missing token answers 401 and writes nothing", async () => {
    const endpoint = webhooks();
    for (const token of ["callback-token-wrong", null]) {
      const response = await endpoint.handler(webhookRequest(paid, { token }));
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        "UNAUTHORIZED",
      );
    }
    expect(calls).toEqual([]);
    expect(await state(db.executor, s)).toEqual(NOTHING);
  });

  it("an expired session and a payment no order claims are recorded without a fulfilment job", async () => {
    const endpoint = webhooks();
    const expired = buildPaymentSessionExpired({ sessionId: "ps-2", orderId: "order-1" });
    expect((await endpoint.handler(webhookRequest(expired))).status).toBe(200);
    const stray = buildPaymentSessionCompleted({ sessionId: "ps-3", orderId: "order-unknown" });
    expect((await endpoint.handler(webhookRequest(stray))).status).toBe(200);
    const { rows } = await db.executor.query(
      `select session_id, order_id, status from "${s}".payments order by session_id`,
    );
    expect(rows).toEqual([
      { session_id: "ps-2", order_id: "order-1", status: "expired" },
      { session_id: "ps-3", order_id: null, status: "paid" },
    ]);
    expect(await count(db.executor, `"${s}".lunas_outbox`)).toBe(0);
  });

  it("jobs() queues the app's own jobs in the same transaction; a bad one fails the delivery whole", async () => {
    const endpoint = webhooks({
      onEvent: undefined,
      jobs: (event, recorded) => [
        { queue: "receipt", data: { sessionId: recorded.payment.sessionId, event: event.event } },
      ],
    });
    const result = await endpoint.receive(paid);
    expect(result).toEqual({
      key: paidKey,
      replayed: false,
      recorded: { sessionId: "ps-1", orderId: "order-1", status: "paid", jobs: 2 },
    });
    expect(await endpoint.receive(paid)).toEqual({ ...result, replayed: true });
    const { rows } = await db.executor.query<{ queue: string }>(
      `select queue from "${s}".lunas_outbox order by id`,
    );
    expect(rows.map((row) => row.queue)).toEqual(["fulfil-order", "receipt"]);

    const badJobs = webhooks({ onEvent: undefined, jobs: () => [{ queue: "no spaces" }] });
    const other = buildPaymentSessionCompleted({ sessionId: "ps-4" });
    const response = await badJobs.handler(webhookRequest(other));
    expect(response.status).toBe(500);
    expect(await count(db.executor, `"${s}".payments where session_id = 'ps-4'`)).toBe(0);
    expect(errors).toHaveLength(1);
  });

  it("an event without a schema here is acknowledged and writes nothing", async () => {
    const unknown: unknown[] = [];
    const endpoint = webhooks({ onUnknown: (event) => void unknown.push(event.event) });
    const response = await endpoint.handler(
      webhookRequest({ event: "payment_method.activated", data: { id: "pm-1" } }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ok: true,
      unknown: true,
      event: "payment_method.activated",
    });
    expect(unknown).toEqual(["payment_method.activated"]);
    expect(await state(db.executor, s)).toEqual(NOTHING);
  });
});

describe("a process killed after the delivery's writes, before the commit", () => {
  async function redeliver(executor: SqlExecutor, schema: string) {
    const calls: string[] = [];
    const endpoint = createTransactionalXenditWebhooks({
      executor,
      schema,
      verificationTokens: TOKEN,
      fulfilmentQueue: "fulfil-order",
      async onEvent(event, { tx, recorded }) {
        calls.push(event.event);
        await tx.query(`insert into "${schema}".effects (session_id) values ($1)`, [
          recorded.payment.sessionId,
        ]);
      },
    });
    // The killed backend's transaction may take a moment to be rolled back; the
    // redelivery's claim waits for it rather than failing.
    const response = await endpoint.handler(
      webhookRequest(buildPaymentSessionCompleted({ sessionId: "ps-k", orderId: "order-k" })),
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { replayed: boolean }).replayed).toBe(false);
    expect(calls).toHaveLength(1);
    expect(await count(executor, `"${schema}".payments where order_id = 'order-k'`)).toBe(1);
    expect(await count(executor, `"${schema}".lunas_outbox`)).toBe(1);
    expect(await count(executor, `"${schema}".effects`)).toBe(1);
  }

  const addOrder = (executor: SqlExecutor, schema: string) =>
    executor.query(
      `insert into "${schema}".orders (id, amount, currency, created_at) values ('order-k', 150000, 'IDR', now())`,
    );

  it("PostgreSQL: the redelivery finds nothing of it and leaves one payment, one job, one effect", async () => {
    const db = await createPostgresTestSchema("xendit_txkill");
    try {
      await prepare(db.executor, db.schema);
      await addOrder(db.executor, db.schema);
      await killAfterWrites(child, [
        "postgres",
        db.connectionString as string,
        db.schema,
        "ps-k",
        "order-k",
      ]);
      await redeliver(db.executor, db.schema);
    } finally {
      await db.drop();
    }
  });

  describe("PGlite (its data directory reopened after the kill)", () => {
    let dataDir: string;
    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), "lunas-xendit-txkill-"));
    });
    afterAll(() => rm(dataDir, { recursive: true, force: true }));

    it("the redelivery finds nothing of it and leaves one payment, one job, one effect", {
      timeout: 120_000,
    }, async () => {
      const setup = await PGlite.create(dataDir);
      await prepare(createPgliteExecutor(setup), "public");
      await addOrder(createPgliteExecutor(setup), "public");
      await setup.close();

      await killAfterWrites(child, ["pglite", dataDir, "public", "ps-k", "order-k"]);

      const reopened = await PGlite.create(dataDir);
      try {
        const executor = createPgliteExecutor(reopened);
        expect(await count(executor, `"public".payments`), "the killed run left no payment").toBe(
          0,
        );
        await redeliver(executor, "public");
      } finally {
        await reopened.close();
      }
    });
  });
});
