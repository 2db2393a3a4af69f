import { idempotencyStoreConformance } from "@lunas/core/conformance";
import { migrateCore, PostgresIdempotencyStore } from "@lunas/core/postgres";
import {
  createPgliteTestDatabase,
  createPostgresTestSchema,
  type TestDatabase,
} from "@lunas/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe.each([
  ["PGlite", () => createPgliteTestDatabase("lunas_idem")],
  ["PostgreSQL", () => createPostgresTestSchema("idem_store")],
])("PostgresIdempotencyStore on %s", (name, create) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await create();
    await migrateCore(db.executor, { schema: db.schema });
  });
  afterAll(() => db.drop());

  // One migrated schema per database; each conformance test starts from an empty table.
  idempotencyStoreConformance(name, async () => ({
    store: new PostgresIdempotencyStore(db.executor, { schema: db.schema }),
    cleanup: async () => {
      await db.executor.query(`delete from "${db.schema}".lunas_idempotency`);
    },
  }));

  it("stores results as jsonb and timestamps as timestamptz (readable from SQL)", async () => {
    const store = new PostgresIdempotencyStore(db.executor, { schema: db.schema });
    const now = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    await store.claim({
      key: "sql:shape",
      fingerprint: "abc",
      holder: "h",
      now,
      leaseExpiresAt: now + 1_000,
      expiresAt: now + 2_000,
    });
    await store.complete("sql:shape", "h", { paid: true }, now + 5_000);
    const { rows } = await db.executor.query<{ paid: boolean; expires: string }>(
      `select (result ->> 'paid')::boolean as paid, to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') as expires
       from "${db.schema}".lunas_idempotency where key = 'sql:shape'`,
    );
    expect(rows).toEqual([{ paid: true, expires: "2026-01-02T03:04:10.678" }]);
  });

  it("rejects a schema or table name that is not a plain identifier, before any SQL", () => {
    expect(
      () => new PostgresIdempotencyStore(db.executor, { schema: 'x"; drop table y; --' }),
    ).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => new PostgresIdempotencyStore(db.executor, { table: "Bad-Name" })).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });

  it("rejects something that is not a SqlExecutor, naming what it needs", () => {
    const notAnExecutor = { query: async () => ({ rows: [], rowCount: 0 }) };
    expect(
      () => new PostgresIdempotencyStore(notAnExecutor as never, { schema: db.schema }),
    ).toThrow(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        message: expect.stringContaining("SqlExecutor"),
      }),
    );
  });
});
