import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type PgBoss from "pg-boss";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  createPgliteBossDb,
  type PgBossDb,
  PgBossJobQueue,
  type PgBossJobQueueSource,
  type PgBossLike,
} from "../../src/pg-boss.js";
import {
  createPgExecutor,
  createPgliteExecutor,
  createPgPool,
  type PgliteLike,
  type PgPoolLike,
} from "../../src/postgres.js";

// Core's public types are structural so its declaration files import nothing from
// an optional peer (`pg`, PGlite, pg-boss). These checks, run by
// `pnpm typecheck`, keep the real drivers assignable to them.

describe("public driver types accept the real drivers", () => {
  it("a pg.Pool is a PgPoolLike, and createPgPool's result goes to createPgExecutor", async () => {
    expectTypeOf<pg.Pool>().toExtend<PgPoolLike>();
    const real = new pg.Pool({ connectionString: "postgres://nobody@127.0.0.1:1/none" });
    expect(typeof createPgExecutor(real).query).toBe("function");
    const pool = createPgPool({ connectionString: "postgres://nobody@127.0.0.1:1/none" });
    // At run time it stays a real pool, so a cast to pg.Pool is honest.
    expect(pool).toBeInstanceOf(pg.Pool);
    expect(typeof createPgExecutor(pool).transaction).toBe("function");
    await Promise.all([real.end(), pool.end()]);
  });

  it("a PGlite database is a PgliteLike for the executor and pg-boss", async () => {
    expectTypeOf<PGlite>().toExtend<PgliteLike>();
    const db = new PGlite();
    try {
      const executor = createPgliteExecutor(db);
      expect((await executor.query<{ one: number }>("select 1 as one")).rows).toEqual([{ one: 1 }]);
      const bossDb: PgBossDb = createPgliteBossDb(db);
      expect((await bossDb.executeSql("select $1::int as two", [2])).rows).toEqual([{ two: 2 }]);
      const source: PgBossJobQueueSource = { db };
      expect(new PgBossJobQueue(source).boss).toBeDefined();
    } finally {
      await db.close();
    }
  });

  it("a PgBoss instance and its Db are accepted as sources", () => {
    expectTypeOf<PgBoss>().toExtend<PgBossLike>();
    expectTypeOf<PgBoss>().toExtend<PgBossJobQueueSource>();
    expectTypeOf<PgBoss.Db>().toExtend<PgBossDb>();
    expectTypeOf<{ db: PgBoss.Db }>().toExtend<PgBossJobQueueSource>();
  });
});
