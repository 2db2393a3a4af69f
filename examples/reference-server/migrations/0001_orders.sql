-- What the reference server adds to the ledger's `orders` (@lunas/xendit):
-- which product an order buys, for whom, and how far its fulfilment got.
create table if not exists order_details (
  order_id text primary key references orders (id),
  product_type text not null check (product_type in ('zoom_meeting', 'hotspot_voucher', 'course')),
  customer_phone text,
  user_id text,
  item_id text,
  request jsonb not null,
  status text not null default 'awaiting_payment'
    check (status in ('awaiting_payment', 'paid', 'fulfilled', 'expired')),
  fulfilment jsonb,
  -- How many times a fulfilment was recorded; the tests prove it stays 1.
  fulfilment_runs integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists order_details_status on order_details (status, created_at);
alter table order_details enable row level security;

-- The people allowed to talk to the WhatsApp assistant (@lunas/fonnte-ai's identity resolver).
create table if not exists app_users (
  id text primary key,
  phone_number text unique,
  is_approved boolean not null default false
);
alter table app_users enable row level security;

-- The last reconciliation report, for the dashboard and GET /reconciliation/report.
create table if not exists reconciliation_runs (
  id bigserial primary key,
  report jsonb not null,
  created_at timestamptz not null default now()
);
alter table reconciliation_runs enable row level security;
