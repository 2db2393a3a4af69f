import { LunasError } from "../errors/lunas-error.js";
import type { PgPoolLike } from "../sql/driver-types.js";
import type { SqlExecutor } from "../sql/executor.js";
import { quoteIdentifier } from "../sql/identifier.js";

// The drivers are loaded when a helper is called, not when `@lunas/core/testing`
// is imported: both are optional peers, and an integrator who runs only the
// conformance suites against a Redis or DynamoDB adapter has neither installed.

export interface TestDatabase {
  executor: SqlExecutor;
  /** The schema this test owns; pass it to stores and migrations. */
  schema: string;
  /** The `pg` pool, for PostgreSQL test databases. */
  pool?: PgPoolLike;
  /** The connection string, for PostgreSQL (child processes can reconnect with it). */
  connectionString?: string;
  /** Drops everything this test database created and closes its connections. */
  drop(): Promise<void>;
}

const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * A fresh schema on the PostgreSQL server at `DATABASE_URL` (default
 * `postgres://postgres@127.0.0.1:5432/postgres`), dropped by `drop()`, so test
 * files running in parallel never see each other's rows. When the server cannot
 * be reached this throws with what to do, so such tests fail instead of
 * silently skipping.
 */
export async function createPostgresTestSchema(prefix = "t"): Promise<TestDatabase> {
  const connectionString = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const schema = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  quoteIdentifier(schema);
  const [{ createPgPool }, { createPgExecutor }] = await Promise.all([
    import("../sql/pg-pool.js"),
    import("../sql/pg-executor.js"),
  ]);
  const pool = createPgPool({ connectionString, max: 20, connectionTimeoutMillis: 5_000 });
  try {
    await pool.query(`create schema ${quoteIdentifier(schema)}`);
  } catch (error) {
    await pool.end().catch(() => {});
    throw new LunasError(
      "TEST_DATABASE_UNREACHABLE",
      `PostgreSQL is not reachable at ${connectionString.replace(/\/\/[^@]*@/, "//***@")}: ${(error as Error).message}. ` +
        "Start PostgreSQL or set DATABASE_URL; these tests need a real server.",
      { cause: error },
    );
  }
  return {
    executor: createPgExecutor(pool),
    schema,
    pool,
    connectionString,
    async drop() {
      try {
        await pool.query(`drop schema if exists ${quoteIdentifier(schema)} cascade`);
      } finally {
        await pool.end();
      }
    },
  };
}

/**
 * A new in-memory PGlite database (its own world, nothing to clean but the
 * instance). When `LUNAS_PGLITE_TEMPLATE` names a dump of a fresh data
 * directory (`PGlite.dumpDataDir()`), the database starts from it instead of
 * running initdb, which costs seconds of CPU per database; this repository's
 * vitest setup writes one per run.
 */
export async function createPgliteTestDatabase(schema = "public"): Promise<TestDatabase> {
  const template = process.env.LUNAS_PGLITE_TEMPLATE;
  const [{ PGlite }, { createPgliteExecutor }, loadDataDir] = await Promise.all([
    import("@electric-sql/pglite"),
    import("../sql/pglite-executor.js"),
    template
      ? import("node:fs/promises").then(async (fs) => new Blob([await fs.readFile(template)]))
      : undefined,
  ]);
  const db = loadDataDir ? await PGlite.create({ loadDataDir }) : await PGlite.create();
  return {
    executor: createPgliteExecutor(db),
    schema,
    async drop() {
      await db.close();
    },
  };
}
