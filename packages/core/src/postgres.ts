import { defineMigrations, type MigrateOptions } from "./sql/define-migrations.js";
import type { SqlExecutor } from "./sql/executor.js";
import type { Migration } from "./sql/migration-runner.js";

export {
  PostgresIdempotencyStore,
  type PostgresIdempotencyStoreOptions,
} from "./idempotency/postgres-idempotency-store.js";
export {
  type DefineMigrationsOptions,
  defineMigrations,
  type MigrateOptions,
  type MigrationSet,
} from "./sql/define-migrations.js";
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

// Both src/postgres.ts and the bundled dist/*.js sit one level below the package root.
const coreMigrationSet = defineMigrations({
  namespace: "@lunas/core",
  folder: new URL("../migrations/", import.meta.url),
  name: "migrateCore",
});

/** The SQL files of `@lunas/core` (token and idempotency tables), as shipped in `migrations/`. */
export function coreMigrations(): Promise<Migration[]> {
  return coreMigrationSet.migrations();
}

/** Applies `@lunas/core`'s migrations to `schema` (default `public`). */
export function migrateCore(
  executor: SqlExecutor,
  options: MigrateOptions = {},
): Promise<string[]> {
  return coreMigrationSet.migrate(executor, options);
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
