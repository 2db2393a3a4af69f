-- Idempotency records for @lunas/core (createIdempotentProcessor): one row per
-- idempotency key, in progress under a holder's lease or completed with the
-- handler's result. Every timestamp is written by the application from its
-- injected clock, never now(), so lease and expiry follow the caller's time.

create table if not exists lunas_idempotency (
  key text primary key,
  fingerprint text not null,
  status text not null check (status in ('in_progress', 'completed')),
  holder text not null,
  lease_expires_at timestamptz not null,
  expires_at timestamptz not null,
  -- SQL NULL: no result (in progress, or the handler returned undefined);
  -- the jsonb value null is a handler that returned null.
  result jsonb
);

create index if not exists lunas_idempotency_expires_at_idx on lunas_idempotency (expires_at);

-- The Supabase adapter's atomic verbs: PostgREST cannot make an upsert
-- conditional on the existing row, so the conditions live here. Each takes the
-- table name so a store configured with another table still works; %I quoting
-- keeps it an identifier. search_path is pinned to the schema this migration
-- ran in, so PostgREST's own search_path does not matter. Security invoker: a
-- caller only reaches rows its own privileges and RLS allow.

-- Claims p_key for p_holder unless a live record stands (see IdempotencyStore.claim);
-- the same algorithm as PostgresIdempotencyStore.claim, so both adapters answer alike.
-- Answers {"outcome": "acquired" | "in_progress" | "completed", record fields...},
-- timestamps as ms since the epoch.
create or replace function lunas_idempotency_claim(
  p_table text,
  p_key text,
  p_fingerprint text,
  p_holder text,
  p_now timestamptz,
  p_lease_expires_at timestamptz,
  p_expires_at timestamptz
) returns jsonb
language plpgsql
volatile
security invoker
set search_path from current
as $fn$
declare
  as_json constant text := 'jsonb_build_object(
      ''key'', r.key, ''fingerprint'', r.fingerprint, ''status'', r.status, ''holder'', r.holder,
      ''lease_expires_at'', (extract(epoch from r.lease_expires_at) * 1000)::bigint,
      ''expires_at'', (extract(epoch from r.expires_at) * 1000)::bigint,
      ''has_result'', r.result is not null, ''result'', r.result)';
  -- A record a claim may take over: expired, a crashed holder's lease, or our own claim again.
  stale constant text := '(r.expires_at < $4
      or (r.status = ''in_progress'' and (r.lease_expires_at < $4 or r.holder = $3)))';
  inserted boolean;
  takeover boolean;
  claimed jsonb;
begin
  for attempt in 1..5 loop
    -- A new key is inserted, a taken key is read back, in one statement.
    -- DO NOTHING (not DO UPDATE ... WHERE, which locks the row and writes WAL
    -- even when its WHERE is false) so a replay or duplicate does neither.
    -- Both branches see the statement's snapshot: a row committed by a
    -- concurrent claim after it began is invisible to the read, so neither
    -- branch answers and the next round (a new snapshot) reads it.
    execute format(
      'with won as (
         insert into %1$I as r (key, fingerprint, status, holder, lease_expires_at, expires_at, result)
         values ($1, $2, ''in_progress'', $3, $5, $6, null)
         on conflict (key) do nothing
         returning %2$s as answer
       )
       select true, false, answer from won
       union all
       select false, %3$s, %2$s from %1$I as r
       where r.key = $1 and not exists (select 1 from won)',
      p_table, as_json, stale
    ) into inserted, takeover, claimed
      using p_key, p_fingerprint, p_holder, p_now, p_lease_expires_at, p_expires_at;
    if claimed is not null then
      if inserted then
        return claimed || '{"outcome": "acquired"}'::jsonb;
      end if;
      if not takeover then
        return claimed || jsonb_build_object('outcome', claimed ->> 'status');
      end if;

      -- Take the stale record over only if it is still stale: another claim
      -- may win it first, or it may vanish (released, purged); then go round again.
      execute format(
        'update %1$I as r
           set fingerprint = $2, status = ''in_progress'', holder = $3,
               lease_expires_at = $5, expires_at = $6, result = null
         where r.key = $1 and %3$s
         returning %2$s',
        p_table, as_json, stale
      ) into claimed using p_key, p_fingerprint, p_holder, p_now, p_lease_expires_at, p_expires_at;
      if claimed is not null then
        return claimed || '{"outcome": "acquired"}'::jsonb;
      end if;
    end if;
  end loop;
  raise exception 'idempotency key % kept changing while being claimed; retry', p_key
    using errcode = '40001';
end;
$fn$;

-- Completes p_key if p_holder still holds it in progress; false when the claim was lost.
-- p_has_result distinguishes "no result" from a JSON null (PostgREST turns a
-- JSON null argument into SQL NULL).
create or replace function lunas_idempotency_complete(
  p_table text,
  p_key text,
  p_holder text,
  p_result jsonb,
  p_has_result boolean,
  p_expires_at timestamptz
) returns boolean
language plpgsql
volatile
security invoker
set search_path from current
as $fn$
declare
  completed boolean;
begin
  execute format(
    'update %1$I set status = ''completed'', result = $3, expires_at = $4
     where key = $1 and holder = $2 and status = ''in_progress''
     returning true',
    p_table
  ) into completed using p_key, p_holder,
    case when p_has_result then coalesce(p_result, 'null'::jsonb) end, p_expires_at;
  return coalesce(completed, false);
end;
$fn$;

-- Deletes p_key's in-progress record if p_holder holds it; true when it did.
create or replace function lunas_idempotency_release(
  p_table text,
  p_key text,
  p_holder text
) returns boolean
language plpgsql
volatile
security invoker
set search_path from current
as $fn$
declare
  released boolean;
begin
  execute format(
    'delete from %1$I where key = $1 and holder = $2 and status = ''in_progress'' returning true',
    p_table
  ) into released using p_key, p_holder;
  return coalesce(released, false);
end;
$fn$;

-- Stored results can carry customer data: only the service role (which
-- bypasses RLS) may touch them. RLS on with no policies denies anon and
-- authenticated everything, even where Supabase's default grants would allow it.
alter table lunas_idempotency enable row level security;

revoke all on function lunas_idempotency_claim(text, text, text, text, timestamptz, timestamptz, timestamptz) from public;
revoke all on function lunas_idempotency_complete(text, text, text, jsonb, boolean, timestamptz) from public;
revoke all on function lunas_idempotency_release(text, text, text) from public;

do $roles$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on table lunas_idempotency from anon;
    revoke all on function lunas_idempotency_claim(text, text, text, text, timestamptz, timestamptz, timestamptz) from anon;
    revoke all on function lunas_idempotency_complete(text, text, text, jsonb, boolean, timestamptz) from anon;
    revoke all on function lunas_idempotency_release(text, text, text) from anon;
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    revoke all on table lunas_idempotency from authenticated;
    revoke all on function lunas_idempotency_claim(text, text, text, text, timestamptz, timestamptz, timestamptz) from authenticated;
    revoke all on function lunas_idempotency_complete(text, text, text, jsonb, boolean, timestamptz) from authenticated;
    revoke all on function lunas_idempotency_release(text, text, text) from authenticated;
  end if;
  if exists (select 1 from pg_roles where rolname = 'service_role') then
    grant select, insert, update, delete on table lunas_idempotency to service_role;
    grant execute on function lunas_idempotency_claim(text, text, text, text, timestamptz, timestamptz, timestamptz) to service_role;
    grant execute on function lunas_idempotency_complete(text, text, text, jsonb, boolean, timestamptz) to service_role;
    grant execute on function lunas_idempotency_release(text, text, text) to service_role;
  end if;
end
$roles$;
