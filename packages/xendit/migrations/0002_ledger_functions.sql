-- The payment upsert of @lunas/xendit's ledger as one function, so every
-- adapter runs the same statement: PostgresLedgerStore calls it over SQL and
-- SupabaseLedgerStore over PostgREST (which cannot make an upsert conditional
-- on the existing row). Table names are arguments, %I-quoted, resolved in the
-- schema this migration ran in (search_path pinned). Security invoker: callers
-- reach only the rows their own privileges and RLS allow.

-- The status order: a late or out-of-order delivery never moves a payment back.
-- Must match PAYMENT_STATUS_RANK in src/ledger/ledger-store.ts (a test checks it).
create or replace function lunas_xendit_payment_rank(p_status text) returns integer
language sql
immutable
as $fn$
  select case p_status when 'expired' then 1 when 'paid' then 2 when 'settled' then 3 else 0 end
$fn$;

-- Insert, or merge into the row with the same session_id: a forward status move
-- takes the new event's fields; otherwise only empty fields are filled.
-- order_id is never touched here. Returns the stored row as jsonb.
create or replace function lunas_xendit_upsert_payment(
  p_table text,
  p_session_id text,
  p_status text,
  p_amount numeric,
  p_currency text,
  p_method text,
  p_channel text,
  p_paid_at timestamptz,
  p_metadata_order_id text,
  p_raw_event jsonb,
  p_now timestamptz
) returns jsonb
language plpgsql
volatile
security invoker
set search_path from current
as $fn$
declare
  stored jsonb;
begin
  if p_status not in ('expired', 'paid', 'settled') then
    raise exception 'unknown payment status %', p_status using errcode = '22023';
  end if;
  execute format(
    $sql$
    insert into %1$I as p
      (session_id, status, amount, currency, method, channel, paid_at, metadata_order_id,
       raw_event, created_at, updated_at)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
    on conflict (session_id) do update set
      amount = case when %2$s then coalesce(excluded.amount, p.amount) else coalesce(p.amount, excluded.amount) end,
      currency = case when %2$s then coalesce(excluded.currency, p.currency) else coalesce(p.currency, excluded.currency) end,
      method = case when %2$s then coalesce(excluded.method, p.method) else coalesce(p.method, excluded.method) end,
      channel = case when %2$s then coalesce(excluded.channel, p.channel) else coalesce(p.channel, excluded.channel) end,
      paid_at = case when %2$s then coalesce(excluded.paid_at, p.paid_at) else coalesce(p.paid_at, excluded.paid_at) end,
      metadata_order_id = case when %2$s then coalesce(excluded.metadata_order_id, p.metadata_order_id)
                               else coalesce(p.metadata_order_id, excluded.metadata_order_id) end,
      status = case when %2$s then excluded.status else p.status end,
      raw_event = case when %2$s then excluded.raw_event else p.raw_event end,
      updated_at = case when %2$s then excluded.updated_at else p.updated_at end
    returning to_jsonb(p.*)
    $sql$,
    p_table,
    'lunas_xendit_payment_rank(excluded.status) > lunas_xendit_payment_rank(p.status)'
  ) into stored
  using p_session_id, p_status, p_amount, p_currency, p_method, p_channel, p_paid_at,
        p_metadata_order_id, p_raw_event, p_now;
  return stored;
end;
$fn$;

-- Orders without a session that linked payments point at (backfill and
-- orphans() read it; PostgREST cannot express the join).
create or replace function lunas_xendit_sessionless_order_ids(p_orders text, p_payments text)
returns setof text
language plpgsql
stable
security invoker
set search_path from current
as $fn$
begin
  return query execute format(
    'select o.id::text from %1$I o
     where o.session_id is null
       and exists (select 1 from %2$I p where p.order_id = o.id::text)
     order by 1',
    p_orders,
    p_payments
  );
end;
$fn$;

revoke all on function lunas_xendit_upsert_payment(text, text, text, numeric, text, text, text, timestamptz, text, jsonb, timestamptz) from public;
revoke all on function lunas_xendit_sessionless_order_ids(text, text) from public;

do $roles$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on function lunas_xendit_upsert_payment(text, text, text, numeric, text, text, text, timestamptz, text, jsonb, timestamptz) from anon;
    revoke all on function lunas_xendit_sessionless_order_ids(text, text) from anon;
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    revoke all on function lunas_xendit_upsert_payment(text, text, text, numeric, text, text, text, timestamptz, text, jsonb, timestamptz) from authenticated;
    revoke all on function lunas_xendit_sessionless_order_ids(text, text) from authenticated;
  end if;
  if exists (select 1 from pg_roles where rolname = 'service_role') then
    grant execute on function lunas_xendit_upsert_payment(text, text, text, numeric, text, text, text, timestamptz, text, jsonb, timestamptz) to service_role;
    grant execute on function lunas_xendit_sessionless_order_ids(text, text) to service_role;
  end if;
end
$roles$;
