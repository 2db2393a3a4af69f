-- Exactly-once effects inside the database (createTransactionalProcessor):
-- the idempotency claim, the caller's own writes, the jobs they start and the
-- completion commit in one transaction, so a crash anywhere before the commit
-- leaves nothing behind and the redelivery runs it all again.

-- Jobs written in the same transaction as the effect that starts them. A relay
-- (createOutboxRelay) moves them into the job queue in batches; a job queued
-- here exists exactly when the effect committed.
create table if not exists lunas_outbox (
  id bigint generated always as identity primary key,
  queue text not null,
  data jsonb not null,
  -- EnqueueOptions as JSON (singletonKey, retryLimit, ...).
  options jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);

alter table lunas_outbox enable row level security;

-- One round trip for the whole ingest: claim p_key (a concurrent call with the
-- same key waits here for this transaction, then replays its result), run the
-- caller's statement p_effect with p_args as $1 (it answers one jsonb value or
-- no row), add p_jobs ([{queue, data, options}]) to the outbox, and complete the
-- key with the effect's answer as its result. Answers
--   {"outcome": "completed", "result": ...}          this call ran the effect
--   {"outcome": "replayed", "result": ...}           an earlier call did
--   {"outcome": "in_progress", "lease_expires_at": ms}  a lease-path holder runs it now
--   {"outcome": "mismatch"}                          the key was used with another payload
-- The record states are the same as the lease path's (lunas_idempotency_claim),
-- so both kinds of processor share the table lunas_idempotency beside it. Security invoker: p_effect runs
-- with the caller's privileges, so it can do nothing the caller could not.
create or replace function lunas_idempotent_ingest(
  p_key text,
  p_fingerprint text,
  p_holder text,
  p_now timestamptz,
  p_lease_expires_at timestamptz,
  p_expires_at timestamptz,
  p_effect text,
  p_args jsonb,
  p_jobs jsonb
) returns jsonb
language plpgsql
volatile
security invoker
set search_path from current
as $fn$
declare
  existing record;
  claimed boolean := false;
  effect_result jsonb;
begin
  -- Static statements on the table beside this function (its search_path), so
  -- their plans are cached per connection: only the caller's effect is dynamic.
  for attempt in 1..5 loop
    -- Read first: a replay (the common case under redelivery) is one index
    -- lookup and writes nothing.
    select fingerprint, status, lease_expires_at, expires_at, result
      into existing
      from lunas_idempotency where key = p_key;
    if not found then
      -- ON CONFLICT waits for a concurrent uncommitted insert of the same key,
      -- so a duplicate queues behind the first delivery, then reads its result.
      insert into lunas_idempotency (key, fingerprint, status, holder, lease_expires_at, expires_at, result)
      values (p_key, p_fingerprint, 'in_progress', p_holder, p_lease_expires_at, p_expires_at, null)
      on conflict (key) do nothing;
      if found then
        claimed := true;
        exit;
      end if;
      continue;
    end if;
    -- A live record answers; a dead one (expired, or a crashed lease-path holder) is taken over.
    if existing.expires_at >= p_now
       and (existing.status = 'completed' or existing.lease_expires_at >= p_now) then
      if existing.fingerprint <> p_fingerprint then
        return jsonb_build_object('outcome', 'mismatch');
      end if;
      if existing.status = 'completed' then
        return jsonb_build_object('outcome', 'replayed', 'result', existing.result);
      end if;
      return jsonb_build_object(
        'outcome', 'in_progress',
        'lease_expires_at', (extract(epoch from existing.lease_expires_at) * 1000)::bigint
      );
    end if;
    -- Conditional, so of two concurrent takeovers one wins and the other reads again.
    update lunas_idempotency
       set fingerprint = p_fingerprint, status = 'in_progress', holder = p_holder,
           lease_expires_at = p_lease_expires_at, expires_at = p_expires_at, result = null
     where key = p_key
       and (expires_at < p_now or (status = 'in_progress' and lease_expires_at < p_now));
    if found then
      claimed := true;
      exit;
    end if;
  end loop;
  if not claimed then
    raise exception 'lunas_idempotent_ingest: key % kept changing under the claim', p_key
      using errcode = '40001';
  end if;

  if p_effect is not null then
    execute p_effect into effect_result using p_args;
  end if;

  insert into lunas_outbox (queue, data, options)
  select job ->> 'queue', coalesce(job -> 'data', 'null'::jsonb), coalesce(job -> 'options', '{}'::jsonb)
  from jsonb_array_elements(coalesce(p_jobs, '[]'::jsonb)) as job;

  update lunas_idempotency set status = 'completed', result = effect_result where key = p_key;

  return jsonb_build_object('outcome', 'completed', 'result', effect_result);
end;
$fn$;

revoke all on function lunas_idempotent_ingest(text, text, text, timestamptz, timestamptz, timestamptz, text, jsonb, jsonb) from public;

do $roles$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on table lunas_outbox from anon;
    revoke all on function lunas_idempotent_ingest(text, text, text, timestamptz, timestamptz, timestamptz, text, jsonb, jsonb) from anon;
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    revoke all on table lunas_outbox from authenticated;
    revoke all on function lunas_idempotent_ingest(text, text, text, timestamptz, timestamptz, timestamptz, text, jsonb, jsonb) from authenticated;
  end if;
  if exists (select 1 from pg_roles where rolname = 'service_role') then
    grant select, insert, update, delete on table lunas_outbox to service_role;
    grant execute on function lunas_idempotent_ingest(text, text, text, timestamptz, timestamptz, timestamptz, text, jsonb, jsonb) to service_role;
  end if;
end
$roles$;
