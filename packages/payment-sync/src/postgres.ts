import type { Migration, SqlExecutor } from "@lunas/core";
import { defineMigrations, type MigrateOptions } from "@lunas/core/postgres";

export {
  PostgresEntitlementStore,
  type PostgresEntitlementStoreOptions,
} from "./entitlements/postgres-entitlement-store.js";
export {
  PostgresPaymentSource,
  type PostgresPaymentSourceOptions,
} from "./payments/postgres-payment-source.js";
export {
  XenditLedgerPaymentSource,
  type XenditLedgerPaymentSourceOptions,
} from "./payments/xendit-ledger-payment-source.js";

// Both src/postgres.ts and the bundled dist/*.js sit one level below the package root.
const paymentSyncMigrationSet = defineMigrations({
  namespace: "@lunas/payment-sync",
  folder: new URL("../migrations/", import.meta.url),
  name: "migratePaymentSync",
});

/** The SQL files of `@lunas/payment-sync` (payments and users tables), as shipped in `migrations/`. */
export function paymentSyncMigrations(): Promise<Migration[]> {
  return paymentSyncMigrationSet.migrations();
}

/** Applies `@lunas/payment-sync`'s migrations to `schema` (default `public`); returns the ids it applied. */
export function migratePaymentSync(
  executor: SqlExecutor,
  options: MigrateOptions = {},
): Promise<string[]> {
  return paymentSyncMigrationSet.migrate(executor, options);
}
