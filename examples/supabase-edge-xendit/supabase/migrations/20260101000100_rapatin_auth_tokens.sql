-- The cached Rapatin login token, shared by every instance of the
-- xendit-webhook function (SupabaseTokenStore with table 'rapatin_auth_tokens').
-- Same columns as @lunas/core's lunas_tokens; leases in <table>_leases go
-- through lunas_acquire_token_lease (previous migration).

create table if not exists rapatin_auth_tokens (
  key text primary key,
  value text not null,
  expires_at timestamptz not null,
  updated_at timestamptz not null
);

create table if not exists rapatin_auth_tokens_leases (
  key text primary key,
  holder text not null,
  lease_until timestamptz not null,
  updated_at timestamptz not null
);

-- A token is a secret: RLS on and no policies, so only the service role
-- (which bypasses RLS) reads or writes it.
alter table rapatin_auth_tokens enable row level security;
alter table rapatin_auth_tokens_leases enable row level security;

do $roles$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on table rapatin_auth_tokens, rapatin_auth_tokens_leases from anon;
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    revoke all on table rapatin_auth_tokens, rapatin_auth_tokens_leases from authenticated;
  end if;
  if exists (select 1 from pg_roles where rolname = 'service_role') then
    grant select, insert, update, delete on table rapatin_auth_tokens, rapatin_auth_tokens_leases to service_role;
  end if;
end
$roles$;
