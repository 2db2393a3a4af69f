import { createPgExecutor, createPgPool } from "@lunas/core/postgres";
import { createPostgresTestSchema, type TestDatabase } from "@lunas/core/testing";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("createPgExecutor on PostgreSQL", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createPostgresTestSchema("pgexec");
    const connectionString = db.connectionString;
    if (!connectionString) throw new Error("test database has no connection string");
    pool = createPgPool({ connectionString, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it("a connection dropped inside a transaction rejects it instead of crashing the process", async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", record);
    try {
      const executor = createPgExecutor(pool);
      const admin = db.pool;
      if (!admin) throw new Error("test database has no pool");
      await expect(
        executor.transaction(async (tx) => {
          const { rows } = await tx.query<{ pid: number }>("select pg_backend_pid() as pid");
          await admin.query("select pg_terminate_backend($1)", [rows[0]?.pid]);
          // The server's FATAL arrives while this connection sits idle in the transaction.
          await new Promise((resolve) => setTimeout(resolve, 100));
          await tx.query("select 1");
        }),
      ).rejects.toThrow();
      expect(uncaught).toEqual([]);
      // The dead connection was not handed back: the pool still answers.
      expect((await executor.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    } finally {
      process.off("uncaughtException", record);
    }
  });
});
