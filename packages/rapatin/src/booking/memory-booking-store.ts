import { checkBooking, checkClaim, checkHolder, checkOrderId } from "./booking-input.js";
import type {
  BookingClaim,
  BookingClaimOutcome,
  BookingRecord,
  BookingStore,
  MeetingBooking,
} from "./booking-store.js";

/**
 * A `BookingStore` in this process's memory. Enough for one instance, since
 * the booker also searches Rapatin before creating; use the PostgreSQL store
 * when several instances book.
 */
export class MemoryBookingStore implements BookingStore {
  readonly #records = new Map<string, BookingRecord>();

  async get(orderId: string): Promise<BookingRecord | null> {
    const record = this.#records.get(checkOrderId(orderId));
    return record ? structuredClone(record) : null;
  }

  async claim(claim: BookingClaim): Promise<BookingClaimOutcome> {
    const { orderId, holder, now, leaseUntil } = checkClaim(claim);
    const current = this.#records.get(orderId);
    if (current?.status === "booked") return { status: "booked", record: structuredClone(current) };
    if (current && current.holder !== holder && current.leaseUntil > now) {
      return { status: "in_progress", record: { ...current } };
    }
    this.#records.set(orderId, { orderId, status: "pending", holder, leaseUntil });
    return { status: "acquired" };
  }

  async complete(orderId: string, holder: string, booking: MeetingBooking): Promise<boolean> {
    const id = checkOrderId(orderId);
    const who = checkHolder(holder);
    const checked = checkBooking(id, booking);
    const current = this.#records.get(id);
    if (current?.status === "booked") return false;
    if (current && current.holder !== who) return false;
    this.#records.set(id, { orderId: id, status: "booked", booking: structuredClone(checked) });
    return true;
  }

  async release(orderId: string, holder: string): Promise<void> {
    const id = checkOrderId(orderId);
    const who = checkHolder(holder);
    const current = this.#records.get(id);
    if (current?.status === "pending" && current.holder === who) this.#records.delete(id);
  }
}
