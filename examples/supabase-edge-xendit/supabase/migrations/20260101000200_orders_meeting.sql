-- The orders the function books meetings for (your app's table; this is the
-- smallest one the example needs). The webhook writes the meeting onto it.

create table if not exists orders (
  id text primary key,
  created_at timestamptz not null default now()
);

alter table orders add column if not exists meeting_id text;
alter table orders add column if not exists zoom_link text;
alter table orders add column if not exists zoom_passcode text;

alter table orders enable row level security;
