-- Token cache for @lunas/core (createTokenProvider): one row per provider login,
-- and a sibling table of leases so only one process logs in at a time.
-- Every timestamp is written by the application from its injected clock, never
-- now(), so expiry and lease decisions follow the caller's time.

create table if not exists lunas_tokens (
  key text primary key,
  value text not null,
  expires_at timestamptz not null,
  updated_at timestamptz not null
);

create index if not exists lunas_tokens_expires_at_idx on lunas_tokens (expires_at);

create table if not exists lunas_tokens_leases (
  key text primary key,
  holder text not null,
  lease_until timestamptz not null,
  updated_at timestamptz not null
);

-- The Supabase adapter's atomic lease: PostgREST cannot make an upsert
-- conditional on the existing row, so the condition lives here. Takes the
-- table name so a store configured with another table still works; %I quoting
-- keeps the name an identifier. search_path is pinned to the schema this
-- migration ran in, so PostgREST's own search_path does not matter. Security
-- invoker: a caller only reaches rows its own privileges and RLS allow.
create or replace function lunas_acquire_token_lease(
  p_table text,
  p_key text,
  p_holder text,
  p_until timestamptz,
  p_now timestamptz
) returns boolean
language plpgsql
volatile
security invoker
set search_path from current
as $fn$
declare
  acquired boolean;
begin
  execute format(
    'insert into %1$I as l (key, holder, lease_until, updated_at) values ($1, $2, $3, $4)
     on conflict (key) do update
       set holder = excluded.holder, lease_until = excluded.lease_until, updated_at = excluded.updated_at
       where l.lease_until <= $4 or l.holder = $2
     returning true',
    p_table || '_leases'
  ) into acquired using p_key, p_holder, p_until, p_now;
  return coalesce(acquired, false);
end;
$fn$;

-- Tokens are secrets: only the service role (which bypasses RLS) may touch
-- them. RLS on with no policies denies anon and authenticated everything,
-- even where Supabase's default grants would allow it.
alter table lunas_tokens enable row level security;
alter table lunas_tokens_leases enable row level security;

revoke all on function lunas_acquire_token_lease(text, text, text, timestamptz, timestamptz) from public;

do $roles$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on table lunas_tokens, lunas_tokens_leases from anon;
    revoke all on function lunas_acquire_token_lease(text, text, text, timestamptz, timestamptz) from anon;
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    revoke all on table lunas_tokens, lunas_tokens_leases from authenticated;
    revoke all on function lunas_acquire_token_lease(text, text, text, timestamptz, timestamptz) from authenticated;
  end if;
  if exists (select 1 from pg_roles where rolname = 'service_role') then
    grant select, insert, update, delete on table lunas_tokens, lunas_tokens_leases to service_role;
    grant execute on function lunas_acquire_token_lease(text, text, text, timestamptz, timestamptz) to service_role;
  end if;
end
$roles$;
