import type { Migration, SqlExecutor } from "@lunas/core";
import { defineMigrations, type MigrateOptions } from "@lunas/core/postgres";

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

// Both src/postgres.ts and the bundled dist/*.js sit one level below the package root.
const fonnteAiMigrationSet = defineMigrations({
  namespace: "@lunas/fonnte-ai",
  folder: new URL("../migrations/", import.meta.url),
  name: "migrateFonnteAi",
});

/** The SQL files of `@lunas/fonnte-ai` (sessions, rate limits, phone verifications), as shipped in `migrations/`. */
export function fonnteAiMigrations(): Promise<Migration[]> {
  return fonnteAiMigrationSet.migrations();
}

/** Applies `@lunas/fonnte-ai`'s migrations to `schema` (default `public`); returns the ids it applied. */
export function migrateFonnteAi(
  executor: SqlExecutor,
  options: MigrateOptions = {},
): Promise<string[]> {
  return fonnteAiMigrationSet.migrate(executor, options);
}
