import type PgBoss from "pg-boss";
import * as pgBossModule from "pg-boss";

// pg-boss 10 is CommonJS and its class is the module's default export; pg-boss
// 11+ is ESM-only and exports the class by name, with no default.
const namedPgBoss = (pgBossModule as unknown as { PgBoss?: typeof PgBoss }).PgBoss;

/** The installed pg-boss's class, whichever major (10 or 12) is installed. */
export const PgBossClass: typeof PgBoss =
  namedPgBoss ?? (pgBossModule as unknown as { default: typeof PgBoss }).default;

/** pg-boss 11+ changed a few calls the adapter makes; see the README's pg-boss section. */
export const pgBoss11OrLater = namedPgBoss !== undefined;
