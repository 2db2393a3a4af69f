import { createPgExecutor } from "@lunas/core/postgres";
import {
  createPgliteTestDatabase,
  createPostgresTestSchema,
  type TestDatabase,
} from "@lunas/core/testing";
import {
  entitlementStoreConformance,
  paymentSourceConformance,
} from "@lunas/payment-sync/conformance";
import {
  migratePaymentSync,
  PostgresEntitlementStore,
  PostgresPaymentSource,
} from "@lunas/payment-sync/postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driftSuite } from "../reconcile/drift-suite.js";

describe.each([
  ["PGlite", () => createPgliteTestDatabase("public")],
  ["PostgreSQL", () => createPostgresTestSchema("payment_sync")],
])("PostgreSQL adapters on %s", (name, create) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await create();
    expect(await migratePaymentSync(db.executor, { schema: db.schema })).toEqual([
      "0001_payment_sync",
    ]);
  });
  afterAll(() => db.drop());
  const empty = async () => {
    await db.executor.query(`delete from "${db.schema}".payment_sync_payments`);
    await db.executor.query(`delete from "${db.schema}".payment_sync_users`);
  };
  const seedUsers = async (users: { userId: string; items: string[] }[]) => {
    for (const user of users) {
      await db.executor.query(
        `insert into "${db.schema}".payment_sync_users (user_id, items) values ($1, $2)`,
        [user.userId, user.items],
      );
    }
  };

  paymentSourceConformance(name, async ({ payments, clock }) => {
    const source = new PostgresPaymentSource(db.executor, { schema: db.schema, clock });
    for (const payment of payments) await source.recordPayment(payment);
    return { source, cleanup: empty };
  });

  entitlementStoreConformance(name, async ({ users }) => {
    await seedUsers(users);
    return {
      store: new PostgresEntitlementStore(db.executor, { schema: db.schema }),
      cleanup: empty,
    };
  });

  driftSuite(name, async ({ payments, users }) => {
    const source = new PostgresPaymentSource(db.executor, { schema: db.schema });
    for (const payment of payments) await source.recordPayment(payment);
    await seedUsers(users);
    return {
      source,
      entitlements: new PostgresEntitlementStore(db.executor, { schema: db.schema }),
      cleanup: empty,
    };
  });

  it("applies its migrations once", async () => {
    expect(await migratePaymentSync(db.executor, { schema: db.schema })).toEqual([]);
  });

  it("reads an app's own payments table through table, columns and paidWhen", async () => {
    await db.executor.exec(`create table "${db.schema}".lms_payments (
      order_id text primary key, buyer text not null, course text not null, gross numeric not null,
      settled_at timestamptz not null, gateway text not null, status text not null, recorded_at timestamptz)`);
    await db.executor.exec(`insert into "${db.schema}".lms_payments values
      ('o-1', 'u-1', 'c-1', 100, '2026-01-02T03:04:05.678Z', 'midtrans', 'settlement', null),
      ('o-2', 'u-1', 'c-2', 100, '2026-01-02T03:04:05.678Z', 'midtrans', 'pending', null)`);
    const source = new PostgresPaymentSource(db.executor, {
      schema: db.schema,
      table: "lms_payments",
      columns: {
        paymentId: "order_id",
        userId: "buyer",
        itemId: "course",
        amount: "gross",
        paidAt: "settled_at",
        provider: "gateway",
      },
      paidWhen: { column: "status", values: ["settlement", "capture"] },
    });
    expect(await source.paymentsOf(["u-1"])).toEqual([
      {
        paymentId: "o-1",
        userId: "u-1",
        itemId: "c-1",
        amount: 100,
        paidAt: "2026-01-02T03:04:05.678Z",
        provider: "midtrans",
      },
    ]);
  });

  it("refuses a missing executor, misspelt options or unsafe names with INVALID_ARGUMENT", () => {
    for (const make of [
      () => new PostgresPaymentSource(undefined as never),
      () => new PostgresPaymentSource(db.executor, { tabel: "x" } as never),
      () => new PostgresPaymentSource(db.executor, { columns: { userID: "x" } } as never),
      () => new PostgresPaymentSource(db.executor, { table: 'x"; drop table y' }),
      () => new PostgresEntitlementStore(db.executor, { columns: { items: "Bad Name" } }),
      () => new PostgresEntitlementStore(db.executor, { schema: 1 } as never),
    ]) {
      expect(make).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    }
  });
});

describe("PostgresPaymentSource on a pool whose driver hands float8 back as text", () => {
  it("still answers amounts as numbers", async () => {
    const db = await createPostgresTestSchema("payment_sync_text");
    const pool = new pg.Pool({
      connectionString: db.connectionString,
      max: 1,
      types: {
        getTypeParser: ((oid: number, format: "text" | "binary") =>
          oid === 701
            ? (value: string) => value
            : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    try {
      await migratePaymentSync(db.executor, { schema: db.schema });
      const payment = {
        paymentId: "p-1",
        userId: "u-1",
        itemId: "c-1",
        amount: 150000.5,
        paidAt: "2026-01-02T03:04:05.006Z",
        provider: "midtrans",
      };
      await new PostgresPaymentSource(db.executor, { schema: db.schema }).recordPayment(payment);
      const source = new PostgresPaymentSource(createPgExecutor(pool), { schema: db.schema });
      expect(await source.paymentsOf(["u-1"])).toEqual([payment]);
    } finally {
      await pool.end();
      await db.drop();
    }
  });
});
