-- The order <-> payment-session ledger of @lunas/xendit (createLedger).
-- orders: the minimal columns an app's orders have. An app with its own orders
-- table can point PostgresLedgerStore at it (ordersTable / orderColumns) and
-- only needs a session_id column and index there; this table is then unused.
-- Timestamps come from the application's injected clock, not now().

create table if not exists orders (
  id text primary key,
  session_id text,
  amount numeric,
  currency text,
  status text not null default 'pending',
  created_at timestamptz not null
);

-- One session pays one order: a second order cannot claim it.
create unique index if not exists orders_session_id_key on orders (session_id)
  where session_id is not null;

-- payments: one row per Xendit payment session (or legacy invoice id), whatever
-- order webhooks arrive in. order_id has no foreign key on purpose: a payment
-- may arrive before its order is known, and the orders table may be the app's.
create table if not exists payments (
  session_id text primary key,
  order_id text,
  status text not null check (status in ('expired', 'paid', 'settled')),
  amount numeric,
  currency text,
  method text,
  channel text,
  paid_at timestamptz,
  metadata_order_id text,
  raw_event jsonb not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create index if not exists payments_order_id_idx on payments (order_id);
-- Orphans (payments no order claims yet) are what monitoring and backfill read.
create index if not exists payments_unlinked_idx on payments (created_at) where order_id is null;

-- Payment data is the server's: RLS on with no policies denies Supabase's anon
-- and authenticated roles everything; the service role bypasses RLS.
alter table orders enable row level security;
alter table payments enable row level security;

do $roles$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on table orders, payments from anon;
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    revoke all on table orders, payments from authenticated;
  end if;
  if exists (select 1 from pg_roles where rolname = 'service_role') then
    grant select, insert, update, delete on table orders, payments to service_role;
  end if;
end
$roles$;
