import { z } from "zod";
import { parseInput } from "./errors/parse-input.js";
import type { SqlExecutor } from "./sql/executor.js";
import { readMigrationsDir } from "./sql/migration-files.js";
import { type Migration, runMigrations } from "./sql/migration-runner.js";

export {
  PostgresIdempotencyStore,
  type PostgresIdempotencyStoreOptions,
} from "./idempotency/postgres-idempotency-store.js";
export type {
  PgliteLike,
  PgliteQueryableLike,
  PgliteResultsLike,
  PgPoolClientLike,
  PgPoolConfigLike,
  PgPoolLike,
  PgQueryResultLike,
} from "./sql/driver-types.js";
export { readMigrationsDir } from "./sql/migration-files.js";
export { createPgExecutor } from "./sql/pg-executor.js";
export type { PgPoolOptions } from "./sql/pg-pool.js";
export { createPgPool } from "./sql/pg-pool.js";
export { createPgliteExecutor } from "./sql/pglite-executor.js";
export {
  PostgresTokenStore,
  type PostgresTokenStoreOptions,
} from "./token/postgres-token-store.js";

/** The SQL files of `@lunas/core` (token and idempotency tables), as shipped in `migrations/`. */
export function coreMigrations(): Promise<Migration[]> {
  // Both src/postgres.ts and the bundled dist/*.js sit one level below the package root.
  return readMigrationsDir(new URL("../migrations/", import.meta.url));
}

const migrateOptionsSchema = z.strictObject({ schema: z.string().optional() });

/** Applies `@lunas/core`'s migrations to `schema` (default `public`). */
export async function migrateCore(
  executor: SqlExecutor,
  options: { schema?: string } = {},
): Promise<string[]> {
  const { schema } = parseInput(migrateOptionsSchema, options, "migrateCore options");
  return runMigrations(executor, {
    namespace: "@lunas/core",
    migrations: await coreMigrations(),
    schema: schema ?? "public",
  });
}
export {
  createTransactionalProcessor,
  type IngestStatement,
  type TransactionalProcessor,
  TransactionalProcessorError,
  type TransactionalProcessorOptions,
} from "./idempotency/transactional-processor.js";
export type { OutboxJob } from "./jobs/outbox-job.js";
export {
  createOutboxRelay,
  enqueueInOutbox,
  type OutboxRelay,
  type OutboxRelayOptions,
} from "./jobs/outbox-relay.js";
