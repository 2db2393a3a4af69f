import type { SqlExecutor } from "@lunas/core";
import { type MigrateOptions, migrateCore } from "@lunas/core/postgres";

/**
 * Prepares `schema` (default `public`) for the meeting booker on PostgreSQL or
 * PGlite. Bookings live in `@lunas/core`'s idempotency table, so this applies
 * core's migrations (the same as `migrateCore`, which also refuses unknown
 * options); it stays so that set-ups that call it keep working. Returns the ids applied.
 */
export function migrateRapatin(
  executor: SqlExecutor,
  options: MigrateOptions = {},
): Promise<string[]> {
  return migrateCore(executor, options);
}
