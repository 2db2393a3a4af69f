-- State of @lunas/fonnte-ai that several bridge instances share.
-- Timestamps come from the application's injected clock, never now().

-- Conversation history per sender (PostgresSessionStore), trimmed to whole turns.
create table if not exists fonnte_ai_sessions (
  key text primary key,
  messages jsonb not null default '[]'::jsonb,
  updated_at timestamptz not null
);
create index if not exists fonnte_ai_sessions_updated_at_idx on fonnte_ai_sessions (updated_at);

-- Fixed-window counters (PostgresRateLimiter): one row per key, the window it counts.
create table if not exists fonnte_ai_rate_limits (
  key text primary key,
  window_start timestamptz not null,
  hits integer not null,
  expires_at timestamptz not null
);
create index if not exists fonnte_ai_rate_limits_expires_at_idx on fonnte_ai_rate_limits (expires_at);

-- Pending phone verifications (PostgresPhoneVerificationStore): one per user,
-- the code only as an HMAC, attempts counted so guessing stops at the limit.
create table if not exists fonnte_ai_phone_verifications (
  user_id text primary key,
  phone text not null,
  code_hash text not null,
  attempts integer not null default 0,
  expires_at timestamptz not null,
  created_at timestamptz not null
);

alter table fonnte_ai_sessions enable row level security;
alter table fonnte_ai_rate_limits enable row level security;
alter table fonnte_ai_phone_verifications enable row level security;

do $roles$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on table fonnte_ai_sessions, fonnte_ai_rate_limits, fonnte_ai_phone_verifications from anon;
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    revoke all on table fonnte_ai_sessions, fonnte_ai_rate_limits, fonnte_ai_phone_verifications from authenticated;
  end if;
  if exists (select 1 from pg_roles where rolname = 'service_role') then
    grant select, insert, update, delete
      on table fonnte_ai_sessions, fonnte_ai_rate_limits, fonnte_ai_phone_verifications to service_role;
  end if;
end
$roles$;
