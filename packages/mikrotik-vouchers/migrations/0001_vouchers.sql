-- The purchase lifecycle of @lunas/mikrotik-vouchers (VoucherService).
-- Timestamps come from the application's injected clock, not now().

create table if not exists voucher_purchases (
  id text primary key,
  status text not null check (
    status in ('pending', 'completed', 'failed', 'expired', 'voucher_generation_failed')
  ),
  quantity integer not null check (quantity between 1 and 10000),
  -- profile, mode, length, prefix, charset, time and data limit (strings, as given)
  plan jsonb not null,
  customer_phone text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  paid_at timestamptz,
  -- a pending purchase not paid by then is expired by cleanupExpired()
  expires_at timestamptz,
  last_error text,
  generation_attempts integer not null default 0
);

create index if not exists voucher_purchases_status_created_idx
  on voucher_purchases (status, created_at desc);
create index if not exists voucher_purchases_pending_expiry_idx
  on voucher_purchases (expires_at) where status = 'pending';

-- The codes of a completed purchase, as they are on the router.
create table if not exists vouchers (
  purchase_id text not null references voucher_purchases (id) on delete cascade,
  username text not null,
  password text not null,
  router_id text not null,
  created_at timestamptz not null,
  primary key (purchase_id, username)
);

-- One row per attempt to send a purchase's codes.
create table if not exists voucher_deliveries (
  id bigserial primary key,
  purchase_id text not null references voucher_purchases (id) on delete cascade,
  attempt integer not null,
  status text not null check (status in ('sent', 'failed', 'error')),
  error_message text,
  provider_message_id text,
  created_at timestamptz not null
);

create index if not exists voucher_deliveries_purchase_idx
  on voucher_deliveries (purchase_id, attempt);

-- Through Supabase's API only the service role reaches these tables.
alter table voucher_purchases enable row level security;
alter table vouchers enable row level security;
alter table voucher_deliveries enable row level security;
