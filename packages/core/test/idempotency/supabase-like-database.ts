import type { SqlExecutor } from "@lunas/core";
import { quoteIdentifier } from "@lunas/core";

const SUPABASE_ROLES = ["anon", "authenticated", "service_role"] as const;

/**
 * Makes `schema` look like a Supabase project's API schema: the three API roles
 * exist, service_role bypasses RLS, and default privileges grant everything
 * created in the schema to all three, as Supabase's do. Run before migrating.
 */
export async function prepareSupabaseSchema(executor: SqlExecutor, schema: string): Promise<void> {
  // Roles are cluster-wide: never dropped, and another test file may be creating
  // them right now, so a duplicate is fine.
  for (const role of SUPABASE_ROLES) {
    await executor.exec(`do $$
      begin
        if not exists (select 1 from pg_roles where rolname = '${role}') then
          create role ${role} nologin noinherit;
        end if;
      exception when duplicate_object or unique_violation then null;
      end $$`);
  }
  await executor.exec(`do $$
    begin
      if not (select rolbypassrls from pg_roles where rolname = 'service_role') then
        alter role service_role bypassrls;
      end if;
    end $$`);
  const name = quoteIdentifier(schema);
  const roles = SUPABASE_ROLES.join(", ");
  await executor.exec(`
    grant usage on schema ${name} to ${roles};
    alter default privileges in schema ${name} grant all on tables to ${roles};
    alter default privileges in schema ${name} grant all on functions to ${roles};
    alter default privileges in schema ${name} grant all on sequences to ${roles}`);
}
