-- The two sides @lunas/payment-sync reconciles, for apps that keep them in
-- PostgreSQL (or PGlite). An app with its own tables points the adapters at
-- them (table and column options) and does not need these.
-- Timestamps come from the application's injected clock, not now().

-- What was paid: one row per successful payment, whatever provider sent it.
create table if not exists payment_sync_payments (
  payment_id text primary key,
  user_id text not null,
  item_id text not null,
  amount numeric not null,
  paid_at timestamptz not null,
  provider text not null,
  recorded_at timestamptz not null
);

-- The engine reads payments per batch of users and lists paying users in order.
create index if not exists payment_sync_payments_user_idx on payment_sync_payments (user_id);

-- What was granted: the original system's users.purchasedCourses list, one row
-- per user. A list (not a row per grant) so the drift it grew (an item listed
-- twice) can be represented, found and repaired.
create table if not exists payment_sync_users (
  user_id text primary key,
  items text[] not null default '{}'
);

-- Payment data is the server's: RLS on with no policies denies Supabase's anon
-- and authenticated roles everything; the service role bypasses RLS.
alter table payment_sync_payments enable row level security;
alter table payment_sync_users enable row level security;

do $roles$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on table payment_sync_payments, payment_sync_users from anon;
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    revoke all on table payment_sync_payments, payment_sync_users from authenticated;
  end if;
  if exists (select 1 from pg_roles where rolname = 'service_role') then
    grant select, insert, update, delete on table payment_sync_payments, payment_sync_users to service_role;
  end if;
end
$roles$;
