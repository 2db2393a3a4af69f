import type { Migration, SqlExecutor } from "@lunas/core";
import { defineMigrations, type MigrateOptions } from "@lunas/core/postgres";

export {
  PostgresVoucherStore,
  type PostgresVoucherStoreOptions,
  VoucherStoreError,
} from "./purchases/postgres-voucher-store.js";

// Both src/postgres.ts and the bundled dist/*.js sit one level below the package root.
const voucherMigrationSet = defineMigrations({
  namespace: "@lunas/mikrotik-vouchers",
  folder: new URL("../migrations/", import.meta.url),
  name: "migrateMikrotikVouchers",
});

/** The SQL files of `@lunas/mikrotik-vouchers` (purchases, vouchers, delivery log), as shipped in `migrations/`. */
export function mikrotikVouchersMigrations(): Promise<Migration[]> {
  return voucherMigrationSet.migrations();
}

/** Applies `@lunas/mikrotik-vouchers`'s migrations to `schema` (default `public`); returns the ids it applied. */
export function migrateMikrotikVouchers(
  executor: SqlExecutor,
  options: MigrateOptions = {},
): Promise<string[]> {
  return voucherMigrationSet.migrate(executor, options);
}
