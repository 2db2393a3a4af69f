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

/** An order's booking as `MeetingBooker.get` reads it from the store. */
export type BookingRecord =
  /** Someone is booking this order; `leaseUntil` is when others may take over. */
  | { orderId: string; status: "pending"; holder: string; leaseUntil: number }
  | { orderId: string; status: "booked"; booking: MeetingBooking };
