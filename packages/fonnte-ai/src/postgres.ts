import { type Migration, parseInput, runMigrations, type SqlExecutor } from "@lunas/core";
import { readMigrationsDir } from "@lunas/core/postgres";
import { z } from "zod";

export {
  PostgresIdentityResolver,
  type PostgresIdentityResolverOptions,
} from "./identity/postgres-identity-resolver.js";
export {
  PostgresRateLimiter,
  type PostgresRateLimiterOptions,
} from "./rate-limit/postgres-rate-limiter.js";
export {
  PostgresSessionStore,
  type PostgresSessionStoreOptions,
} from "./session/postgres-session-store.js";
export {
  PostgresPhoneVerificationStore,
  type PostgresPhoneVerificationStoreOptions,
} from "./verification/postgres-phone-verification-store.js";

/** The SQL files of `@lunas/fonnte-ai` (sessions, rate limits, phone verifications), as shipped in `migrations/`. */
export function fonnteAiMigrations(): Promise<Migration[]> {
  // Both src/postgres.ts and the bundled dist/*.js sit one level below the package root.
  return readMigrationsDir(new URL("../migrations/", import.meta.url));
}

const migrateOptionsSchema = z.strictObject({ schema: z.string().optional() });

/** Applies `@lunas/fonnte-ai`'s migrations to `schema` (default `public`); returns the ids it applied. */
export async function migrateFonnteAi(
  executor: SqlExecutor,
  options: { schema?: string } = {},
): Promise<string[]> {
  const { schema } = parseInput(migrateOptionsSchema, options, "migrateFonnteAi options");
  return runMigrations(executor, {
    namespace: "@lunas/fonnte-ai",
    migrations: await fonnteAiMigrations(),
    schema: schema ?? "public",
  });
}
