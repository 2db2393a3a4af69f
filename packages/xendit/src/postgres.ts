import type { Migration, SqlExecutor } from "@lunas/core";
import { defineMigrations, type MigrateOptions } from "@lunas/core/postgres";

export {
  type OrderColumns,
  PostgresLedgerStore,
  type PostgresLedgerStoreOptions,
} from "./ledger/postgres-ledger-store.js";
export {
  createTransactionalXenditWebhooks,
  type RecordedEvent,
  type TransactionalEventContext,
  type TransactionalReceiveResult,
  type TransactionalXenditWebhooks,
  type TransactionalXenditWebhooksOptions,
} from "./webhooks/transactional-xendit-webhooks.js";

// Both src/postgres.ts and the bundled dist/*.js sit one level below the package root.
const xenditMigrationSet = defineMigrations({
  namespace: "@lunas/xendit",
  folder: new URL("../migrations/", import.meta.url),
  name: "migrateXendit",
});

/** The SQL files of `@lunas/xendit` (orders and payments), as shipped in `migrations/`. */
export function xenditMigrations(): Promise<Migration[]> {
  return xenditMigrationSet.migrations();
}

/** Applies `@lunas/xendit`'s migrations to `schema` (default `public`); returns the ids it applied. */
export function migrateXendit(
  executor: SqlExecutor,
  options: MigrateOptions = {},
): Promise<string[]> {
  return xenditMigrationSet.migrate(executor, options);
}
