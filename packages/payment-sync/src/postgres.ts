import { type Migration, parseInput, runMigrations, type SqlExecutor } from "@lunas/core";
import { readMigrationsDir } from "@lunas/core/postgres";
import { z } from "zod";

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

/** The SQL files of `@lunas/payment-sync` (payments and users tables), as shipped in `migrations/`. */
export function paymentSyncMigrations(): Promise<Migration[]> {
  // Both src/postgres.ts and the bundled dist/*.js sit one level below the package root.
  return readMigrationsDir(new URL("../migrations/", import.meta.url));
}

const migrateOptionsSchema = z.strictObject({ schema: z.string().optional() });

/** Applies `@lunas/payment-sync`'s migrations to `schema` (default `public`); returns the ids it applied. */
export async function migratePaymentSync(
  executor: SqlExecutor,
  options: { schema?: string } = {},
): Promise<string[]> {
  const { schema } = parseInput(migrateOptionsSchema, options, "migratePaymentSync options");
  return runMigrations(executor, {
    namespace: "@lunas/payment-sync",
    migrations: await paymentSyncMigrations(),
    schema: schema ?? "public",
  });
}
