import { parseInput, type SqlExecutor } from "@lunas/core";
import { migrateCore } from "@lunas/core/postgres";
import { z } from "zod";

// Strict: a misspelt `schema` would otherwise migrate into `public`.
const optionsSchema = z.strictObject({ schema: z.string().optional() });

/**
 * Prepares `schema` (default `public`) for the meeting booker on PostgreSQL or
 * PGlite. Bookings live in `@lunas/core`'s idempotency table, so this applies
 * core's migrations (the same as `migrateCore`); it stays so that set-ups that
 * call it keep working. Returns the ids applied.
 */
export async function migrateRapatin(
  executor: SqlExecutor,
  options: { schema?: string } = {},
): Promise<string[]> {
  const { schema } = parseInput(optionsSchema, options, "migrateRapatin options");
  return migrateCore(executor, schema === undefined ? {} : { schema });
}
