import { type Migration, parseInput, runMigrations, type SqlExecutor } from "@lunas/core";
import { readMigrationsDir } from "@lunas/core/postgres";
import { z } from "zod";

export {
  type OrderColumns,
  PostgresLedgerStore,
  type PostgresLedgerStoreOptions,
} from "./ledger/postgres-ledger-store.js";

/** The SQL files of `@lunas/xendit` (orders and payments), as shipped in `migrations/`. */
export function xenditMigrations(): Promise<Migration[]> {
  // Both src/postgres.ts and the bundled dist/*.js sit one level below the package root.
  return readMigrationsDir(new URL("../migrations/", import.meta.url));
}

// Strict: `{ schemma: "shop" }` would otherwise migrate into `public` without a word.
const migrateOptionsSchema = z.strictObject({ schema: z.string().min(1).optional() });

/** Applies `@lunas/xendit`'s migrations to `schema` (default `public`); returns the ids it applied. */
export async function migrateXendit(
  executor: SqlExecutor,
  options: { schema?: string } = {},
): Promise<string[]> {
  const { schema } = parseInput(migrateOptionsSchema, options, "migrateXendit options");
  return runMigrations(executor, {
    namespace: "@lunas/xendit",
    migrations: await xenditMigrations(),
    schema: schema ?? "public",
  });
}
