/** The meeting booked for an order, as stored and returned to callers. */
export interface MeetingBooking {
  orderId: string;
  /** Rapatin's schedule id. */
  scheduleId: string;
  /** Zoom meeting id, always a string. */
  meetingId: string;
  joinUrl: string;
  registrationUrl: string | null;
  passcode: string | null;
  /** The topic as Rapatin holds it, order reference included. */
  topic: string;
  startDate: string;
  startTime: string;
  productId: number;
  /** When the booking was recorded (ms epoch). */
  bookedAt: number;
}

export type BookingRecord =
  /** Someone is booking this order; `leaseUntil` is when others may take over. */
  | { orderId: string; status: "pending"; holder: string; leaseUntil: number }
  | { orderId: string; status: "booked"; booking: MeetingBooking };

export interface BookingClaim {
  orderId: string;
  holder: string;
  /** The caller's clock (ms epoch); stores never read their own clock. */
  now: number;
  /** ms epoch: until when this holder alone may book the order. */
  leaseUntil: number;
}

export type BookingClaimOutcome =
  /** The caller now holds the order (new, its own, or an expired lease taken over). */
  | { status: "acquired" }
  /** Another holder's lease is live. */
  | { status: "in_progress"; record: Extract<BookingRecord, { status: "pending" }> }
  /** Already booked. */
  | { status: "booked"; record: Extract<BookingRecord, { status: "booked" }> };

/**
 * Where bookings are recorded, one per order. `claim` is atomic: of any number
 * of concurrent claims on a free order exactly one is `acquired`.
 */
export interface BookingStore {
  get(orderId: string): Promise<BookingRecord | null>;
  claim(claim: BookingClaim): Promise<BookingClaimOutcome>;
  /**
   * Records the booking if `holder` still holds the pending order (or its lease
   * lapsed without anyone taking over). Resolves `false` when the order was
   * taken over or is already booked; the stored booking then wins.
   */
  complete(orderId: string, holder: string, booking: MeetingBooking): Promise<boolean>;
  /** Drops `holder`'s pending claim so the next attempt can start at once. */
  release(orderId: string, holder: string): Promise<void>;
}
