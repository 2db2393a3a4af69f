-- Meetings booked through Rapatin, one row per order (@lunas/rapatin createMeetingBooker).
-- A row is 'pending' while one holder books (its lease says until when others
-- must wait) and 'booked' once the meeting is recorded. Timestamps come from the
-- application's injected clock, never now().

create table if not exists rapatin_bookings (
  order_id text primary key,
  status text not null check (status in ('pending', 'booked')),
  holder text,
  lease_until timestamptz,
  schedule_id text,
  meeting_id text,
  booking jsonb,
  updated_at timestamptz not null,
  check (status = 'pending' or (booking is not null and meeting_id is not null))
);

create index if not exists rapatin_bookings_meeting_id_idx on rapatin_bookings (meeting_id);

-- Join URLs and passcodes admit anyone to the meeting: service role only.
alter table rapatin_bookings enable row level security;

do $roles$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on table rapatin_bookings from anon;
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    revoke all on table rapatin_bookings from authenticated;
  end if;
  if exists (select 1 from pg_roles where rolname = 'service_role') then
    grant select, insert, update, delete on table rapatin_bookings to service_role;
  end if;
end
$roles$;
