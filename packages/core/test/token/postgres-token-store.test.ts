import { tokenStoreConformance } from "@lunas/core/conformance";
import { PostgresTokenStore } from "@lunas/core/postgres";
import {
  createPgliteTestDatabase,
  createPostgresTestSchema,
  type TestDatabase,
} from "@lunas/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateTokenStore } from "./fixtures/token-migration.js";

describe.each([
  ["PGlite", () => createPgliteTestDatabase("lunas_tokens_test")],
  ["PostgreSQL", () => createPostgresTestSchema("tok")],
])("PostgresTokenStore on %s", (name, create) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await create();
    await migrateTokenStore(db.executor, db.schema);
  });
  afterAll(() => db.drop());

  tokenStoreConformance(
    name,
    async ({ clock }) => {
      const store = new PostgresTokenStore(db.executor, { schema: db.schema, clock });
      return {
        store,
        cleanup: async () => {
          await db.executor.exec(
            `delete from "${db.schema}".lunas_tokens; delete from "${db.schema}".lunas_tokens_leases`,
          );
        },
      };
    },
    { leases: true },
  );

  it("writes timestamps from the injected clock, not the database's now()", async () => {
    const clock = { now: () => Date.UTC(2001, 1, 3, 4, 5, 6, 789) };
    const store = new PostgresTokenStore(db.executor, { schema: db.schema, clock });
    await store.set("clocked", { value: "v", expiresAt: Date.UTC(2001, 1, 4) });
    await store.acquireLease("clocked", "h", Date.UTC(2001, 1, 3, 4, 6));
    const { rows } = await db.executor.query<{ updated_at: Date; lease_updated: Date }>(
      `select t.updated_at, l.updated_at as lease_updated
         from "${db.schema}".lunas_tokens t join "${db.schema}".lunas_tokens_leases l using (key)
        where key = 'clocked'`,
    );
    expect(rows[0]?.updated_at.getTime()).toBe(clock.now());
    expect(rows[0]?.lease_updated.getTime()).toBe(clock.now());
  });

  it("rejects a bad schema, table or executor with INVALID_ARGUMENT", () => {
    expect(() => new PostgresTokenStore(db.executor, { table: 'x"; drop table y; --' })).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
    expect(() => new PostgresTokenStore(db.executor, { schema: "Bad Schema" })).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
    expect(() => new PostgresTokenStore({} as never)).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });
});
