import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { SqlExecutor } from "@lunas/core";
import type { PgBossJobQueueSource } from "@lunas/core/pg-boss";
import { createPgExecutor, createPgliteExecutor, createPgPool } from "@lunas/core/postgres";

/** Where the service keeps its state: PostgreSQL when `DATABASE_URL` is set, else PGlite on disk. */
export interface Database {
  kind: "postgres" | "pglite";
  executor: SqlExecutor;
  /** What `PgBossJobQueue` needs to store its jobs in this same database. */
  queueSource: PgBossJobQueueSource;
  /** A human description without credentials, for the log. */
  description: string;
  close(): Promise<void>;
}

export async function openDatabase(options: {
  databaseUrl: string | undefined;
  pgliteDataDir: string;
}): Promise<Database> {
  if (options.databaseUrl) {
    const pool = createPgPool({ connectionString: options.databaseUrl, max: 10 });
    const url = new URL(options.databaseUrl);
    return {
      kind: "postgres",
      executor: createPgExecutor(pool),
      queueSource: { connectionString: options.databaseUrl },
      description: `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`,
      close: () => pool.end(),
    };
  }
  mkdirSync(options.pgliteDataDir, { recursive: true });
  // PGlite is one connection inside this process: the executor and the job
  // queue share the instance, so only one process may open the directory.
  const db = await PGlite.create(options.pgliteDataDir);
  return {
    kind: "pglite",
    executor: createPgliteExecutor(db),
    queueSource: { db },
    description: `PGlite in ${options.pgliteDataDir}`,
    close: () => db.close(),
  };
}
