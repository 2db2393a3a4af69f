import { type Migration, runMigrations, type SqlExecutor } from "@lunas/core";
import { readMigrationsDir } from "@lunas/core/postgres";

export {
  PostgresBookingStore,
  type PostgresBookingStoreOptions,
} from "./booking/postgres-booking-store.js";

/** The SQL files of `@lunas/rapatin` (the bookings table), as shipped in `migrations/`. */
export function rapatinMigrations(): Promise<Migration[]> {
  // src/postgres.ts and the bundled dist/postgres.js both sit one level below the package root.
  return readMigrationsDir(new URL("../migrations/", import.meta.url));
}

/** Applies `@lunas/rapatin`'s migrations to `schema` (default `public`). Returns the ids applied. */
export async function migrateRapatin(
  executor: SqlExecutor,
  options: { schema?: string } = {},
): Promise<string[]> {
  return runMigrations(executor, {
    namespace: "@lunas/rapatin",
    migrations: await rapatinMigrations(),
    schema: options.schema ?? "public",
  });
}
