import {
  type Clock,
  clockSchema,
  InvalidArgumentError,
  parseInput,
  portSchema,
  realSleep,
  type Sleep,
  sleepSchema,
  systemClock,
} from "@lunas/core";
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
import { BookingInProgressError } from "./booking-errors.js";
import { checkOrderId } from "./booking-input.js";
import type { BookingStore, MeetingBooking } from "./booking-store.js";
import { MemoryBookingStore } from "./memory-booking-store.js";
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
  /** Default: a `MemoryBookingStore`. */
  store?: BookingStore;
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
  store: portSchema<BookingStore>("BookingStore", [
    "get",
    "claim",
    "complete",
    "release",
  ]).optional(),
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

export function createMeetingBooker(options: MeetingBookerOptions): MeetingBooker {
  const parsed = parseInput(optionsSchema, options, "meeting booker options");
  const client = parsed.client;
  const store = parsed.store ?? new MemoryBookingStore();
  const productTable = checkProductTable(
    (parsed.productTable as ProductTier[] | undefined) ?? DEFAULT_PRODUCT_TABLE,
  );
  const leaseMs = parsed.leaseMs ?? 120_000;
  const waitTimeoutMs = parsed.waitTimeoutMs ?? leaseMs + 10_000;
  const pollIntervalMs = parsed.pollIntervalMs ?? 500;
  const clock = parsed.clock ?? systemClock;
  const sleep = parsed.sleep ?? realSleep;
  const processHolder = parsed.holderId ?? crypto.randomUUID();
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

  /**
   * Holding the claim until `leaseUntil`: adopt what an earlier attempt created,
   * or create. Resolves `undefined` when the claim may have been lost meanwhile,
   * so the caller claims again.
   */
  async function bookHolding(
    orderId: string,
    request: z.output<typeof requestSchema>,
    productId: number,
    holder: string,
    leaseUntil: number,
  ): Promise<BookedMeeting | undefined> {
    let booking: MeetingBooking;
    let outcome: BookedMeeting["outcome"];
    let creating = false;
    try {
      const earlier = await findEarlierMeeting(orderId, request.startDate);
      if (earlier) {
        booking = toBooking(orderId, earlier, productId);
        outcome = "adopted";
      } else {
        // "Nothing found" holds only if no one could take the order over during
        // the search, i.e. our lease still stands; then renew it for the create.
        const now = clock.now();
        if (now >= leaseUntil) return undefined;
        const renewed = await store.claim({ orderId, holder, now, leaseUntil: now + leaseMs });
        if (renewed.status !== "acquired") return undefined;
        creating = true;
        const created = await client.createSchedule({
          product_id: productId,
          topic: topicWithReference(request.topic, orderId),
          ...(request.passcode === undefined ? {} : { passcode: request.passcode }),
          start_date: request.startDate,
          start_time: request.startTime,
          recurring: false,
          ...request.options,
        });
        booking = toBooking(orderId, created, productId);
        outcome = "created";
      }
    } catch (error) {
      // Nothing created: let the next attempt start now. A create with an unknown
      // outcome keeps the claim until its lease lapses; the next holder then
      // searches and adopts what Rapatin made.
      if (!creating || createdNothing(error)) await store.release(orderId, holder).catch(() => {});
      throw error;
    }
    // A crash before this write leaves the claim to expire; the next holder adopts the meeting.
    if (await store.complete(orderId, holder, booking)) return { ...booking, outcome };
    const stored = await store.get(orderId);
    if (stored?.status === "booked") return { ...stored.booking, outcome: "existing" };
    return { ...booking, outcome };
  }

  async function book(
    orderId: string,
    request: z.output<typeof requestSchema>,
  ): Promise<BookedMeeting> {
    const productId = resolveProductId(request.participants, productTable);
    const started = clock.now();
    // A holder per call, not per process: a claim an earlier call kept (its create's
    // outcome unknown) must hold off this process's next call as well.
    const holder = `${processHolder}/${crypto.randomUUID()}`;
    let lostLeases = 0;
    for (;;) {
      const now = clock.now();
      const claim = await store.claim({ orderId, holder, now, leaseUntil: now + leaseMs });
      if (claim.status === "booked") return { ...claim.record.booking, outcome: "existing" };
      if (claim.status === "acquired") {
        const booked = await bookHolding(orderId, request, productId, holder, now + leaseMs);
        if (booked) return booked;
        // Only searches slower than leaseMs lose the lease again and again; do not loop forever.
        lostLeases += 1;
        if (lostLeases >= 3) throw new BookingInProgressError(orderId, clock.now() - started);
        continue;
      }
      if (now - started >= waitTimeoutMs) throw new BookingInProgressError(orderId, now - started);
      // Another process holds the order: wait for its result or for its lease to lapse.
      const waitLeft = waitTimeoutMs - (now - started);
      await sleep(Math.max(1, Math.min(pollIntervalMs, claim.record.leaseUntil - now, waitLeft)));
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
  };
}
