import type { SqlExecutor } from "@lunas/core";
import { defineMigrations, migrateCore } from "@lunas/core/postgres";
import { migrateFonnteAi } from "@lunas/fonnte-ai/postgres";
import { migrateMikrotikVouchers } from "@lunas/mikrotik-vouchers/postgres";
import { migratePaymentSync } from "@lunas/payment-sync/postgres";
import { migrateXendit } from "@lunas/xendit/postgres";

const serverMigrations = defineMigrations({
  namespace: "@lunas/example-reference-server",
  folder: new URL("../../migrations/", import.meta.url),
});

/**
 * Applies every package's migrations, then the server's own, through core's
 * runner (each set once, under an advisory lock, so instances starting
 * together are safe). Rapatin's bookings live in core's idempotency table.
 */
export async function migrateAll(executor: SqlExecutor): Promise<string[]> {
  const applied: string[] = [];
  for (const migrate of [
    migrateCore,
    migrateXendit,
    migrateMikrotikVouchers,
    migrateFonnteAi,
    migratePaymentSync,
    serverMigrations.migrate,
  ]) {
    applied.push(...(await migrate(executor)));
  }
  return applied;
}
