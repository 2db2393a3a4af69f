import { z } from "zod";
import { LunasError } from "../errors/lunas-error.js";
import { parseInput } from "../errors/parse-input.js";
import { sqlExecutorSchema } from "../input/injected-schemas.js";
import type { SqlExecutor } from "./executor.js";
import { quoteIdentifier } from "./identifier.js";

export interface Migration {
  /** `0001_create_tokens`: the numbered file name without `.sql`. Applied in this order. */
  id: string;
  sql: string;
}

export interface RunMigrationsOptions {
  /** Who owns these migrations (`@lunas/core`); ids only need to be unique within it. */
  namespace: string;
  migrations: readonly Migration[];
  /** Schema the tables go into; created when missing. Default `public`. */
  schema?: string;
}

export class MigrationError extends LunasError {}

const argumentsSchema = z.object({
  executor: sqlExecutorSchema,
  options: z.strictObject({
    namespace: z.string().min(1).max(200),
    migrations: z.array(z.strictObject({ id: z.string().min(1).max(200), sql: z.string() })),
    schema: z.string().optional(),
  }),
});

/** Both PostgreSQL and PGlite have `hashtext`; the constant keeps all Lunas packages on one lock. */
const MIGRATION_LOCK = "select pg_advisory_xact_lock(hashtext('lunas.migrations'))";

/**
 * On Supabase, a table in an API schema is reachable by `anon` and
 * `authenticated` through default grants; the ledger would let them read it or
 * insert a row that skips a migration. Same rule as every Lunas table: RLS on,
 * no policies, their grants revoked. ALTER only when needed, as it needs ownership.
 */
const LEDGER_PRIVATE = `do $ledger$
begin
  if not (select relrowsecurity from pg_class where oid = 'lunas_migrations'::regclass) then
    alter table lunas_migrations enable row level security;
  end if;
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on table lunas_migrations from anon;
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    revoke all on table lunas_migrations from authenticated;
  end if;
end
$ledger$`;

async function checksum(sql: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(sql));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Applies the migrations not yet applied, each once, all in one transaction
 * under an advisory lock: two instances starting together serialize, and the
 * second finds nothing left to do. A migration whose text changed after it was
 * applied is refused rather than silently skipped.
 *
 * Returns the ids it applied.
 */
export async function runMigrations(
  executor: SqlExecutor,
  input: RunMigrationsOptions,
): Promise<string[]> {
  const { options } = parseInput(
    argumentsSchema,
    { executor, options: input },
    "runMigrations arguments",
  );
  const schema = quoteIdentifier(options.schema ?? "public");
  const ordered = [...options.migrations].sort((a, b) => a.id.localeCompare(b.id));
  const seen = new Set<string>();
  for (const migration of ordered) {
    if (seen.has(migration.id)) {
      throw new MigrationError("MIGRATION_DUPLICATE", `Migration ${migration.id} is listed twice`);
    }
    seen.add(migration.id);
  }

  return executor.transaction(async (tx) => {
    await tx.query(MIGRATION_LOCK);
    await tx.exec(`create schema if not exists ${schema}`);
    await tx.exec(`set local search_path to ${schema}`);
    await tx.exec(`create table if not exists lunas_migrations (
      namespace text not null,
      id text not null,
      checksum text not null,
      applied_at timestamptz not null default now(),
      primary key (namespace, id)
    )`);
    await tx.exec(LEDGER_PRIVATE);
    const { rows } = await tx.query<{ id: string; checksum: string }>(
      "select id, checksum from lunas_migrations where namespace = $1",
      [options.namespace],
    );
    const applied = new Map(rows.map((row) => [row.id, row.checksum]));
    const newlyApplied: string[] = [];
    for (const migration of ordered) {
      const sum = await checksum(migration.sql);
      const previous = applied.get(migration.id);
      if (previous !== undefined) {
        if (previous !== sum) {
          throw new MigrationError(
            "MIGRATION_CHANGED",
            `Migration ${options.namespace}/${migration.id} was changed after it was applied; add a new numbered migration instead`,
          );
        }
        continue;
      }
      await tx.exec(migration.sql);
      await tx.query("insert into lunas_migrations (namespace, id, checksum) values ($1, $2, $3)", [
        options.namespace,
        migration.id,
        sum,
      ]);
      newlyApplied.push(migration.id);
    }
    return newlyApplied;
  });
}
