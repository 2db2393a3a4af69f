import {
  type Clock,
  createIdempotentProcessor,
  IdempotencyInProgressError,
  IdempotencyLeaseLostError,
  type IdempotencyStore,
  InvalidArgumentError,
  MemoryIdempotencyStore,
  parseInput,
  realSleep,
  type Sleep,
  systemClock,
} from "@lunas/core";
import {
  clockSchema,
  idempotencyStoreSchema,
  portSchema,
  sleepSchema,
} from "@lunas/core/validation";
import { z } from "zod";
import type { RapatinClient } from "../client/rapatin-client.js";
import {
  RapatinApiError,
  RapatinLoginError,
  RapatinValidationError,
} from "../client/rapatin-errors.js";
import {
  dateSchema,
  meetingFlagsSchema,
  type RapatinSchedule,
  timeSchema,
} from "../client/schedule-schemas.js";
import {
  checkProductTable,
  DEFAULT_PRODUCT_TABLE,
  type ProductTier,
  resolveProductId,
} from "../products/product-table.js";
import { BookingInProgressError, BookingStoreError } from "./booking-errors.js";
import { checkOrderId, meetingBookingSchema } from "./booking-input.js";
import type { BookingRecord, MeetingBooking } from "./booking-record.js";
import { orderReference, topicCarriesReference, topicWithReference } from "./order-reference.js";

export interface MeetingRequest {
  /** Expected participants; picks the plan through the product table. */
  participants: number;
  /** The meeting's topic; the order reference is appended to it. */
  topic: string;
  /** `YYYY-MM-DD`. */
  startDate: string;
  /** `HH:mm`. */
  startTime: string;
  passcode?: string;
  /** Rapatin's meeting option flags (`is_meeting_qna`, ...). */
  options?: z.input<typeof meetingFlagsSchema>;
}

export interface MeetingBookerOptions {
  client: Pick<RapatinClient, "listSchedules" | "createSchedule">;
  /**
   * Where bookings are recorded, one per order, under the key
   * `meetingBookingKey(orderId)`: any `IdempotencyStore` (memory, PostgreSQL,
   * PGlite, Supabase, your own). Default: a `MemoryIdempotencyStore`, for one instance.
   */
  store?: IdempotencyStore;
  /** Participants → `product_id`. Default `DEFAULT_PRODUCT_TABLE`. */
  productTable?: readonly ProductTier[];
  /**
   * How long one attempt holds an order before others may take over. It is
   * renewed right before the create, so it must outlast one create call (up to
   * twice the client's `timeoutMs`: headers, then body). Default 120 000 ms
   * (above 2 × the client's 45 s).
   */
  leaseMs?: number;
  /** How long a call waits for another process's attempt before giving up. Default `leaseMs` + 10 000. */
  waitTimeoutMs?: number;
  /** How often a waiting call re-reads the store. Default 500 ms. */
  pollIntervalMs?: number;
  clock?: Clock;
  sleep?: Sleep;
  /** Names this process in claims (each call adds its own suffix). Default: a random UUID. */
  holderId?: string;
}

/** What `scheduleMeetingForOrder` returns: the booking, and how it came about. */
export interface BookedMeeting extends MeetingBooking {
  /** `created` now; `adopted` from an earlier attempt's meeting found at Rapatin; `existing` already recorded. */
  outcome: "created" | "adopted" | "existing";
}

export interface MeetingBooker {
  /**
   * Books the order's meeting once. Called again, concurrently, from another
   * process, or after a crash between Rapatin's answer and the store write, it
   * returns the one meeting instead of creating another.
   */
  scheduleMeetingForOrder(orderId: string, request: MeetingRequest): Promise<BookedMeeting>;
  /**
   * The order's booking as the store holds it: `pending` while an attempt holds
   * it (until `leaseUntil`), `booked` with the meeting, `null` when none.
   */
  get(orderId: string): Promise<BookingRecord | null>;
}

/** The store key of an order's booking; its claim's payload is the order id itself. */
export function meetingBookingKey(orderId: string): string {
  return `rapatin:booking:${orderId}`;
}

const requestSchema = z.strictObject({
  participants: z.number().int().positive(),
  topic: z.string().trim().min(1),
  startDate: dateSchema,
  startTime: timeSchema,
  passcode: z
    .string()
    .regex(/^[A-Za-z0-9@\-_*]{1,10}$/, "must be 1-10 letters, digits or @ - _ *")
    .optional(),
  options: meetingFlagsSchema.strict().optional(),
});

const optionsSchema = z.strictObject({
  client: portSchema<MeetingBookerOptions["client"]>("Rapatin client", [
    "listSchedules",
    "createSchedule",
  ]),
  store: idempotencyStoreSchema.optional(),
  productTable: z.array(z.unknown()).optional(),
  leaseMs: z.number().int().min(1).optional(),
  waitTimeoutMs: z.number().int().min(0).optional(),
  pollIntervalMs: z.number().int().min(1).optional(),
  clock: clockSchema.optional(),
  sleep: sleepSchema.optional(),
  holderId: z.string().min(1).max(200).optional(),
});

/**
 * Whether a failed create certainly made no meeting, so the claim can go at
 * once. After a timeout, a dropped connection or a 5xx the meeting may exist
 * or still be in the making; releasing then would let a waiting duplicate
 * search too early and create a second one.
 */
function createdNothing(error: unknown): boolean {
  if (error instanceof InvalidArgumentError) return true;
  if (error instanceof RapatinValidationError || error instanceof RapatinLoginError) return true;
  return (
    error instanceof RapatinApiError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 408
  );
}

/** Zoom's topic limit. */
const MAX_TOPIC = 200;

// A booking is a fact about a meeting that exists, not a cache: keep it as
// long as any store can (the old bookings table never expired rows).
const BOOKING_RETENTION_MS = 100 * 365 * 24 * 60 * 60 * 1000;

/** What one run learned, read after the run when the store could not record it. */
interface Attempt {
  creating: boolean;
  booked?: { booking: MeetingBooking; outcome: "created" | "adopted" };
}

function storedBooking(orderId: string, result: unknown): MeetingBooking {
  const parsed = meetingBookingSchema.safeParse(result);
  if (!parsed.success || parsed.data.orderId !== orderId) {
    throw new BookingStoreError(
      `The stored booking of order ${orderId} is not a meeting booking; fix or delete its record`,
    );
  }
  return parsed.data;
}

export function createMeetingBooker(options: MeetingBookerOptions): MeetingBooker {
  const parsed = parseInput(optionsSchema, options, "meeting booker options");
  const client = parsed.client;
  const store = parsed.store ?? new MemoryIdempotencyStore();
  const productTable = checkProductTable(
    (parsed.productTable as ProductTier[] | undefined) ?? DEFAULT_PRODUCT_TABLE,
  );
  const leaseMs = parsed.leaseMs ?? 120_000;
  const waitTimeoutMs = parsed.waitTimeoutMs ?? leaseMs + 10_000;
  const pollIntervalMs = parsed.pollIntervalMs ?? 500;
  const clock = parsed.clock ?? systemClock;
  const sleep = parsed.sleep ?? realSleep;
  const processHolder = parsed.holderId ?? crypto.randomUUID();
  const processor = createIdempotentProcessor({
    store,
    clock,
    // The store lets others in strictly after the lease's end; leaseMs has
    // always meant others may take over at claim + leaseMs.
    leaseMs: Math.max(1, leaseMs - 1),
    retentionMs: BOOKING_RETENTION_MS,
    // A holder per run, not per process: a claim an earlier call kept (its
    // create's outcome unknown) must hold off this process's next call as well.
    holderId: () => `${processHolder}/${crypto.randomUUID()}`,
  });
  const inFlight = new Map<string, Promise<BookedMeeting>>();

  function toBooking(
    orderId: string,
    schedule: RapatinSchedule,
    productId: number,
  ): MeetingBooking {
    return {
      orderId,
      scheduleId: schedule.id,
      meetingId: schedule.meeting_id,
      joinUrl: schedule.join_url,
      registrationUrl: schedule.registration_url,
      passcode: schedule.passcode,
      topic: schedule.topic,
      startDate: schedule.start_date,
      startTime: schedule.start_time,
      productId,
      bookedAt: clock.now(),
    };
  }

  async function findEarlierMeeting(
    orderId: string,
    startDate: string,
  ): Promise<RapatinSchedule | undefined> {
    const schedules = await client.listSchedules({ tab: "all", from: startDate, to: startDate });
    return schedules
      .filter((schedule) => topicCarriesReference(schedule.topic, orderId))
      .sort((a, b) => Number(a.id) - Number(b.id))[0];
  }

  /** Holding the order's claim: adopt what an earlier attempt created, or create. */
  async function bookHolding(
    orderId: string,
    request: z.output<typeof requestSchema>,
    productId: number,
    renew: () => Promise<void>,
    attempt: Attempt,
  ): Promise<MeetingBooking> {
    const earlier = await findEarlierMeeting(orderId, request.startDate);
    if (earlier) {
      attempt.booked = { booking: toBooking(orderId, earlier, productId), outcome: "adopted" };
      return attempt.booked.booking;
    }
    // "Nothing found" holds only if no one could take the order over during
    // the search, i.e. our lease still stands; renewing checks that and gives
    // the create a whole lease.
    await renew();
    attempt.creating = true;
    const created = await client.createSchedule({
      product_id: productId,
      topic: topicWithReference(request.topic, orderId),
      ...(request.passcode === undefined ? {} : { passcode: request.passcode }),
      start_date: request.startDate,
      start_time: request.startTime,
      recurring: false,
      ...request.options,
    });
    attempt.booked = { booking: toBooking(orderId, created, productId), outcome: "created" };
    return attempt.booked.booking;
  }

  async function book(
    orderId: string,
    request: z.output<typeof requestSchema>,
  ): Promise<BookedMeeting> {
    const productId = resolveProductId(request.participants, productTable);
    const key = meetingBookingKey(orderId);
    const started = clock.now();
    let lostLeases = 0;
    for (;;) {
      const attempt: Attempt = { creating: false };
      try {
        const { result, replayed } = await processor.run(
          key,
          orderId,
          (claim) => bookHolding(orderId, request, productId, () => claim.renew(), attempt),
          {
            // Nothing created: let the next attempt start now. A create with an
            // unknown outcome keeps the claim until its lease lapses; the next
            // holder then searches and adopts what Rapatin made.
            keepClaimOn: (error) => attempt.creating && !createdNothing(error),
          },
        );
        if (replayed) return { ...storedBooking(orderId, result), outcome: "existing" };
        return { ...result, outcome: attempt.booked?.outcome ?? "created" };
      } catch (error) {
        if (error instanceof IdempotencyLeaseLostError) {
          if (attempt.booked) {
            // Our meeting exists but another holder took the order over first:
            // the booking it recorded wins; until it does, ours stands.
            const stored = await processor.get(key);
            if (stored?.status === "completed") {
              return { ...storedBooking(orderId, stored.result), outcome: "existing" };
            }
            return { ...attempt.booked.booking, outcome: attempt.booked.outcome };
          }
          // Only searches slower than leaseMs lose the lease again and again; do not loop forever.
          lostLeases += 1;
          if (lostLeases >= 3) throw new BookingInProgressError(orderId, clock.now() - started);
          continue;
        }
        if (!(error instanceof IdempotencyInProgressError)) throw error;
        const now = clock.now();
        if (now - started >= waitTimeoutMs) {
          throw new BookingInProgressError(orderId, now - started);
        }
        // Another process holds the order: wait for its result or for its lease to lapse.
        const waitLeft = waitTimeoutMs - (now - started);
        const leaseLeft = (error.leaseExpiresAt ?? now) + 1 - now;
        await sleep(Math.max(1, Math.min(pollIntervalMs, leaseLeft, waitLeft)));
      }
    }
  }

  return {
    scheduleMeetingForOrder(orderId, request) {
      let id: string;
      let checked: z.output<typeof requestSchema>;
      try {
        id = checkOrderId(orderId);
        checked = parseInput(requestSchema, request, "meeting request");
        const room = MAX_TOPIC - orderReference(id).length - 1;
        parseInput(
          z
            .string()
            .max(room, `must be at most ${room} characters (the order reference takes the rest)`),
          checked.topic,
          "meeting topic",
        );
        resolveProductId(checked.participants, productTable);
      } catch (error) {
        return Promise.reject(error);
      }
      const running = inFlight.get(id);
      if (running) return running;
      const attempt = book(id, checked).finally(() => inFlight.delete(id));
      inFlight.set(id, attempt);
      return attempt;
    },

    async get(orderId) {
      const id = checkOrderId(orderId);
      const record = await processor.get(meetingBookingKey(id));
      if (record === null) return null;
      if (record.status === "completed") {
        return { orderId: id, status: "booked", booking: storedBooking(id, record.result) };
      }
      // The store's lease ends strictly after leaseExpiresAt: others may take over from the next ms.
      return {
        orderId: id,
        status: "pending",
        holder: record.holder,
        leaseUntil: record.leaseExpiresAt + 1,
      };
    },
  };
}
