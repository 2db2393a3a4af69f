import { InvalidArgumentError } from "../errors/lunas-error.js";
import type { SqlExecutor } from "../sql/executor.js";
import { quoteIdentifier } from "../sql/identifier.js";
import { createPostgresTestSchema, type TestDatabase } from "./test-database.js";

/** The roles PostgREST switches to on Supabase, one per kind of API key or JWT. */
export const SUPABASE_API_ROLES = ["anon", "authenticated", "service_role"] as const;
export type SupabaseApiRole = (typeof SUPABASE_API_ROLES)[number];

export interface SupabaseLikeTestDatabase extends TestDatabase {
  /**
   * Runs `fn` as `role` (`set local role`) on one connection, inside a
   * transaction that is always rolled back, and returns what `fn` returned.
   * Errors from `fn` (a refused access: code `42501`) reject the promise.
   */
  asRole<T>(role: SupabaseApiRole, fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` as the connecting (owner) role inside a transaction that is always
   * rolled back, for checks that first change something only the owner may, such
   * as granting a table back to `anon` to show row level security still holds.
   */
  rolledBack<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/**
 * A fresh schema on the real PostgreSQL server (as `createPostgresTestSchema`)
 * set up the way Supabase sets up its API schemas: the roles `anon`,
 * `authenticated` and `service_role` exist, `service_role` bypasses row level
 * security, and default privileges grant every table, function and sequence
 * created in the schema to all three. Run your migrations after this.
 *
 * Why: a migration for Supabase protects its tables by revoking those default
 * grants and turning row level security on with no policies. On plain
 * PostgreSQL neither does anything visible, because no API role exists and
 * nothing was granted to revoke; only with the roles and Supabase's grants in
 * place does a test fail when a migration forgets its REVOKE or its
 * `enable row level security`.
 *
 * The roles are cluster-wide: they are created if missing (other test files may
 * be creating them at the same moment) and never dropped. `drop()` drops the
 * schema, and with it every grant and default privilege given here. Needs a
 * connecting role that may create roles with BYPASSRLS (a superuser, as the
 * default `postgres`).
 */
export async function createSupabaseLikeTestSchema(
  prefix = "sb",
): Promise<SupabaseLikeTestDatabase> {
  const db = await createPostgresTestSchema(prefix);
  try {
    await createSupabaseApiRoles(db.executor);
    await grantSupabaseDefaults(db.executor, db.schema);
  } catch (error) {
    await db.drop();
    throw error;
  }

  async function rolledBack<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const rollback = new Error("rollback");
    let result: T | undefined;
    await db.executor
      .transaction(async (tx) => {
        result = await fn(tx);
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
    return result as T;
  }

  return {
    ...db,
    rolledBack,
    asRole(role, fn) {
      if (!SUPABASE_API_ROLES.includes(role)) {
        return Promise.reject(
          new InvalidArgumentError("Invalid role for asRole", [
            `role: expected one of ${SUPABASE_API_ROLES.join(", ")}`,
          ]),
        );
      }
      return rolledBack(async (tx) => {
        await tx.exec(`set local role ${quoteIdentifier(role)}`);
        return fn(tx);
      });
    },
  };
}

async function createSupabaseApiRoles(executor: SqlExecutor): Promise<void> {
  for (const role of SUPABASE_API_ROLES) {
    const bypass = role === "service_role" ? " bypassrls" : "";
    await executor.exec(`do $$ begin
        if not exists (select 1 from pg_roles where rolname = '${role}') then
          create role ${role} nologin noinherit${bypass};
        end if;
      exception when duplicate_object or unique_violation then null;
      end $$`);
  }
  // A service_role made earlier without BYPASSRLS gets it; two files altering the
  // role at once make the loser fail with "tuple concurrently updated", which is
  // fine as long as the winner gave the role what it needs.
  await executor.exec(`do $$ begin
      if not (select rolbypassrls from pg_roles where rolname = 'service_role') then
        alter role service_role bypassrls;
      end if;
    exception when others then
      if not (select rolbypassrls from pg_roles where rolname = 'service_role') then
        raise;
      end if;
    end $$`);
}

async function grantSupabaseDefaults(executor: SqlExecutor, schema: string): Promise<void> {
  const name = quoteIdentifier(schema);
  const roles = SUPABASE_API_ROLES.join(", ");
  await executor.exec(`
    grant usage on schema ${name} to ${roles};
    alter default privileges in schema ${name} grant all on tables to ${roles};
    alter default privileges in schema ${name} grant all on functions to ${roles};
    alter default privileges in schema ${name} grant all on sequences to ${roles}`);
}
