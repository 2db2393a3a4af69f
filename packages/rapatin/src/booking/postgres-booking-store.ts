import { parseInput, qualifiedName, type SqlExecutor, sqlExecutorSchema } from "@lunas/core";
import { z } from "zod";
import { BookingStoreError } from "./booking-errors.js";
import {
  checkBooking,
  checkClaim,
  checkHolder,
  checkOrderId,
  meetingBookingSchema,
} from "./booking-input.js";
import type {
  BookingClaim,
  BookingClaimOutcome,
  BookingRecord,
  BookingStore,
  MeetingBooking,
} from "./booking-store.js";

export interface PostgresBookingStoreOptions {
  /** Schema holding `migrations/0001_bookings.sql`'s table. Default `public`. */
  schema?: string;
  /** Default `rapatin_bookings`. */
  table?: string;
}

const argumentsSchema = z.object({
  executor: sqlExecutorSchema,
  options: z.strictObject({ schema: z.string().optional(), table: z.string().optional() }),
});

interface Row {
  order_id: string;
  status: "pending" | "booked";
  holder: string | null;
  lease_until: unknown;
  booking: unknown;
}

function toMs(value: unknown, orderId: string): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  throw new BookingStoreError(`The booking row of order ${orderId} has an unreadable lease_until`);
}

function toRecord(row: Row): BookingRecord {
  if (row.status === "booked") {
    // pg parses jsonb; read it back through the schema so a hand-edited row cannot pass as a booking.
    const raw = typeof row.booking === "string" ? JSON.parse(row.booking) : row.booking;
    const booking = meetingBookingSchema.safeParse(raw);
    if (!booking.success) {
      const fields = booking.error.issues.map((issue) => issue.path.join(".") || "(root)");
      throw new BookingStoreError(
        `The booking row of order ${row.order_id} does not hold a valid booking (${fields.join(", ")}); fix or delete the row`,
      );
    }
    return { orderId: row.order_id, status: "booked", booking: booking.data };
  }
  return {
    orderId: row.order_id,
    status: "pending",
    holder: row.holder ?? "",
    leaseUntil: toMs(row.lease_until, row.order_id),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `BookingStore` on PostgreSQL or PGlite. A claim is one conditional upsert,
 * so two processes claiming the same order cannot both win. Apply
 * `migrateRapatin` to the schema first.
 */
export class PostgresBookingStore implements BookingStore {
  readonly #executor: SqlExecutor;
  readonly #table: string;

  constructor(executor: SqlExecutor, options: PostgresBookingStoreOptions = {}) {
    const { options: parsed } = parseInput(
      argumentsSchema,
      { executor, options },
      "PostgresBookingStore arguments",
    );
    this.#executor = executor;
    this.#table = qualifiedName(parsed.schema ?? "public", parsed.table ?? "rapatin_bookings");
  }

  async get(orderId: string): Promise<BookingRecord | null> {
    const { rows } = await this.#executor.query<Row>(
      `select order_id, status, holder, lease_until, booking from ${this.#table} where order_id = $1`,
      [checkOrderId(orderId)],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async claim(claim: BookingClaim): Promise<BookingClaimOutcome> {
    const { orderId, holder, now, leaseUntil } = checkClaim(claim);
    // A claim races a release that deletes the row; the second round sees the settled state.
    for (let round = 0; round < 3; round += 1) {
      const won = await this.#executor.query(
        `insert into ${this.#table} as b (order_id, status, holder, lease_until, updated_at)
         values ($1, 'pending', $2, $3::timestamptz, $4::timestamptz)
         on conflict (order_id) do update
           set holder = excluded.holder, lease_until = excluded.lease_until, updated_at = excluded.updated_at
           where b.status = 'pending' and (b.lease_until <= $4::timestamptz or b.holder = $2)
         returning order_id`,
        [orderId, holder, iso(leaseUntil), iso(now)],
      );
      if (won.rowCount > 0) return { status: "acquired" };
      const record = await this.get(orderId);
      if (record?.status === "booked") return { status: "booked", record };
      if (record?.status === "pending") return { status: "in_progress", record };
    }
    throw new BookingStoreError(
      `Booking claim for order ${orderId} kept racing with releases; retry`,
    );
  }

  async complete(orderId: string, holder: string, booking: MeetingBooking): Promise<boolean> {
    const id = checkOrderId(orderId);
    const who = checkHolder(holder);
    const checked = checkBooking(id, booking);
    const { rowCount } = await this.#executor.query(
      `insert into ${this.#table} as b (order_id, status, holder, lease_until, schedule_id, meeting_id, booking, updated_at)
       values ($1, 'booked', null, null, $3, $4, $5::jsonb, $6::timestamptz)
       on conflict (order_id) do update
         set status = 'booked', holder = null, lease_until = null, schedule_id = excluded.schedule_id,
             meeting_id = excluded.meeting_id, booking = excluded.booking, updated_at = excluded.updated_at
         where b.status = 'pending' and b.holder = $2`,
      [
        id,
        who,
        checked.scheduleId,
        checked.meetingId,
        JSON.stringify(checked),
        iso(checked.bookedAt),
      ],
    );
    return rowCount > 0;
  }

  async release(orderId: string, holder: string): Promise<void> {
    await this.#executor.query(
      `delete from ${this.#table} where order_id = $1 and status = 'pending' and holder = $2`,
      [checkOrderId(orderId), checkHolder(holder)],
    );
  }
}
