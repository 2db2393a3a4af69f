import {
  createPgliteTestDatabase,
  createPostgresTestSchema,
  type TestDatabase,
} from "@lunas/core/testing";
import { createLedger, PAYMENT_STATUS_RANK } from "@lunas/xendit";
import { ledgerStoreConformance } from "@lunas/xendit/conformance";
import { migrateXendit, PostgresLedgerStore } from "@lunas/xendit/postgres";
import { buildPaymentSessionCompleted } from "@lunas/xendit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe.each([
  ["PGlite", () => createPgliteTestDatabase("lunas_ledger")],
  ["PostgreSQL", () => createPostgresTestSchema("xendit_ledger")],
])("PostgresLedgerStore on %s", (name, create) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await create();
    expect(await migrateXendit(db.executor, { schema: db.schema })).toEqual([
      "0001_ledger",
      "0002_ledger_functions",
    ]);
  });
  afterAll(() => db.drop());

  // One migrated schema per database; each conformance test starts from empty tables.
  ledgerStoreConformance(name, async () => ({
    store: new PostgresLedgerStore(db.executor, { schema: db.schema }),
    cleanup: async () => {
      await db.executor.query(`delete from "${db.schema}".payments`);
      await db.executor.query(`delete from "${db.schema}".orders`);
    },
  }));

  it("applies its migrations once", async () => {
    expect(await migrateXendit(db.executor, { schema: db.schema })).toEqual([]);
  });

  it("stores raw events as jsonb and timestamps as timestamptz (readable from SQL)", async () => {
    const ledger = createLedger({
      store: new PostgresLedgerStore(db.executor, { schema: db.schema }),
      clock: { now: () => Date.UTC(2026, 0, 2, 3, 4, 5, 678) },
    });
    await ledger.recordPaymentEvent(
      buildPaymentSessionCompleted({ sessionId: "ps-sql", orderId: "o-x" }),
    );
    const { rows } = await db.executor.query<{ event: string; created: string; kind: string }>(
      `select raw_event->>'event' as event, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') as created,
              pg_typeof(raw_event)::text as kind
       from "${db.schema}".payments where session_id = 'ps-sql'`,
    );
    expect(rows).toEqual([
      { event: "payment_session.completed", created: "2026-01-02 03:04:05.678", kind: "jsonb" },
    ]);
    await db.executor.query(`delete from "${db.schema}".payments`);
  });

  it("works against an app's own orders table through table and column options", async () => {
    await db.executor.exec(`create table "${db.schema}".shop_orders (
      order_no bigint primary key,
      xendit_session text unique,
      total numeric not null default 0,
      placed_at timestamptz not null default now()
    )`);
    await db.executor.query(
      `insert into "${db.schema}".shop_orders (order_no, total) values (42, 99000)`,
    );
    const store = new PostgresLedgerStore(db.executor, {
      schema: db.schema,
      ordersTable: "shop_orders",
      orderColumns: {
        id: "order_no",
        sessionId: "xendit_session",
        amount: "total",
        currency: null,
        status: null,
        createdAt: "placed_at",
      },
    });
    const ledger = createLedger({ store });
    await ledger.recordPaymentEvent(buildPaymentSessionCompleted({ sessionId: "ps-own" }));
    expect(await ledger.attachSession("42", "ps-own")).toMatchObject({
      status: "attached",
      order: { id: "42", amount: 99000, currency: null, status: "pending" },
      linkedPayment: { orderId: "42" },
    });
    expect(await ledger.findPaymentForOrder("42")).toMatchObject({ sessionId: "ps-own" });
    await db.executor.query(`delete from "${db.schema}".payments`);
  });

  it("ranks statuses in SQL exactly as PAYMENT_STATUS_RANK does", async () => {
    for (const [status, rank] of Object.entries(PAYMENT_STATUS_RANK)) {
      const { rows } = await db.executor.query<{ rank: number }>(
        `select "${db.schema}".lunas_xendit_payment_rank($1) as rank`,
        [status],
      );
      expect(rows[0]?.rank).toBe(rank);
    }
  });

  it("the upsert function refuses an unknown status", async () => {
    await expect(
      db.executor.query(
        `select "${db.schema}".lunas_xendit_upsert_payment('payments', 'ps-x', 'refunded', null, null, null, null, null, null, '{}'::jsonb, now())`,
      ),
    ).rejects.toThrow(/unknown payment status/);
  });

  it("refuses a missing executor or misspelt options when constructed, with INVALID_ARGUMENT", () => {
    for (const make of [
      () => new PostgresLedgerStore(undefined as never),
      () => new PostgresLedgerStore({ query: () => {} } as never),
      () => new PostgresLedgerStore(db.executor, { ordersTabel: "shop_orders" } as never),
      () => new PostgresLedgerStore(db.executor, { orderColumns: { sesionId: "x" } } as never),
    ]) {
      expect(make).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    }
  });

  it("refuses unsafe table or column names", () => {
    expect(() => new PostgresLedgerStore(db.executor, { ordersTable: 'x"; drop table y' })).toThrow(
      /identifier/,
    );
    expect(
      () => new PostgresLedgerStore(db.executor, { orderColumns: { sessionId: "Bad Name" } }),
    ).toThrow(/identifier/);
  });
});
