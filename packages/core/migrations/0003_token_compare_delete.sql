-- Compare-and-delete for the token cache: a provider whose token was rejected
-- drops it only while it is still the stored one, so a newer token another
-- process stored in between survives. A function rather than a filtered DELETE
-- so the Supabase adapter sends the token in a request body, never in a URL
-- that gateways log, and so the pg/PGlite adapter runs the very same SQL.
-- Same conventions as lunas_acquire_token_lease in 0001: the table name is an
-- argument quoted with %I, search_path pinned to this schema, security invoker.
create or replace function lunas_delete_token_if_value(
  p_table text,
  p_key text,
  p_value text
) returns boolean
language plpgsql
volatile
security invoker
set search_path from current
as $fn$
declare
  removed boolean;
begin
  execute format('delete from %1$I where key = $1 and value = $2 returning true', p_table)
    into removed using p_key, p_value;
  return coalesce(removed, false);
end;
$fn$;

revoke all on function lunas_delete_token_if_value(text, text, text) from public;

do $roles$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on function lunas_delete_token_if_value(text, text, text) from anon;
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    revoke all on function lunas_delete_token_if_value(text, text, text) from authenticated;
  end if;
  if exists (select 1 from pg_roles where rolname = 'service_role') then
    grant execute on function lunas_delete_token_if_value(text, text, text) to service_role;
  end if;
end
$roles$;
