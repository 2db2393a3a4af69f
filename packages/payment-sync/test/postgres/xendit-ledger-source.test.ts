import { runMigrations } from "@lunas/core";
import { readMigrationsDir } from "@lunas/core/postgres";
import {
  createPgliteTestDatabase,
  createPostgresTestSchema,
  type TestDatabase,
} from "@lunas/core/testing";
import { paymentSourceConformance } from "@lunas/payment-sync/conformance";
import { XenditLedgerPaymentSource } from "@lunas/payment-sync/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The ledger's real tables, from @lunas/xendit's shipped SQL (read as files: domain
// packages do not import each other), plus the two columns an app adds to its orders.
async function migrateLedger(db: TestDatabase) {
  await runMigrations(db.executor, {
    namespace: "@lunas/xendit",
    migrations: await readMigrationsDir(new URL("../../../xendit/migrations/", import.meta.url)),
    schema: db.schema,
  });
  await db.executor.exec(
    `alter table "${db.schema}".orders add column user_id text, add column course_id text`,
  );
}

describe.each([
  ["PGlite", () => createPgliteTestDatabase("public")],
  ["PostgreSQL", () => createPostgresTestSchema("sync_xendit")],
])("XenditLedgerPaymentSource on %s", (name, create) => {
  let db: TestDatabase;
  const t = (table: string) => `"${db.schema}".${table}`;
  const insert = async (
    p: { paymentId: string; userId: string; itemId: string; amount: number; paidAt: string },
    status = "paid",
  ) => {
    const order = `order-${p.paymentId}`;
    await db.executor.query(
      `insert into ${t("orders")} (id, session_id, amount, currency, status, created_at, user_id, course_id)
       values ($1, $2, $3, 'IDR', 'paid', $4, $5, $6)`,
      [order, p.paymentId, p.amount, p.paidAt, p.userId, p.itemId],
    );
    await db.executor.query(
      `insert into ${t("payments")} (session_id, order_id, status, amount, currency, paid_at, raw_event, created_at, updated_at)
       values ($1, $2, $3, $4, 'IDR', $5, '{}'::jsonb, $5, $5)`,
      [p.paymentId, order, status, p.amount, p.paidAt],
    );
  };
  beforeAll(async () => {
    db = await create();
    await migrateLedger(db);
  });
  afterAll(() => db.drop());
  const empty = async () => {
    await db.executor.query(`delete from ${t("payments")}`);
    await db.executor.query(`delete from ${t("orders")}`);
  };

  paymentSourceConformance(
    name,
    async ({ payments }) => {
      for (const payment of payments) await insert(payment);
      return {
        source: new XenditLedgerPaymentSource(db.executor, {
          schema: db.schema,
          orderColumns: { itemId: "course_id" },
        }),
        cleanup: empty,
      };
    },
    { provider: "xendit", records: false },
  );

  it("counts only paid or settled payments linked to an order", async () => {
    const base = { userId: "u-1", amount: 10, paidAt: "2026-01-01T00:00:00.000Z" };
    await insert({ ...base, paymentId: "ps-paid", itemId: "c-1" }, "paid");
    await insert({ ...base, paymentId: "ps-settled", itemId: "c-2" }, "settled");
    await insert({ ...base, paymentId: "ps-expired", itemId: "c-3" }, "expired");
    await db.executor.query(
      `insert into ${t("payments")} (session_id, order_id, status, raw_event, created_at, updated_at)
       values ('ps-orphan', null, 'paid', '{}'::jsonb, now(), now())`,
    );
    const source = new XenditLedgerPaymentSource(db.executor, {
      schema: db.schema,
      orderColumns: { itemId: "course_id" },
    });
    expect((await source.paymentsOf(["u-1"])).map((p) => p.paymentId).sort()).toEqual([
      "ps-paid",
      "ps-settled",
    ]);
    expect((await source.listPaymentUsers({ cursor: null, limit: 10 })).items).toEqual(["u-1"]);
    await empty();
  });

  it("refuses misspelt options", () => {
    expect(
      () => new XenditLedgerPaymentSource(db.executor, { orderColumns: { user: "x" } } as never),
    ).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});
