import { type Migration, parseInput, runMigrations, type SqlExecutor } from "@lunas/core";
import { readMigrationsDir } from "@lunas/core/postgres";
import { z } from "zod";

export {
  PostgresVoucherStore,
  type PostgresVoucherStoreOptions,
  VoucherStoreError,
} from "./purchases/postgres-voucher-store.js";

/** The SQL files of `@lunas/mikrotik-vouchers` (purchases, vouchers, delivery log), as shipped in `migrations/`. */
export function mikrotikVouchersMigrations(): Promise<Migration[]> {
  // Both src/postgres.ts and the bundled dist/*.js sit one level below the package root.
  return readMigrationsDir(new URL("../migrations/", import.meta.url));
}

const migrateOptionsSchema = z.strictObject({ schema: z.string().optional() });

/** Applies `@lunas/mikrotik-vouchers`'s migrations to `schema` (default `public`); returns the ids it applied. */
export async function migrateMikrotikVouchers(
  executor: SqlExecutor,
  options: { schema?: string } = {},
): Promise<string[]> {
  const { schema } = parseInput(migrateOptionsSchema, options, "migrateMikrotikVouchers options");
  return runMigrations(executor, {
    namespace: "@lunas/mikrotik-vouchers",
    migrations: await mikrotikVouchersMigrations(),
    schema: schema ?? "public",
  });
}
