import { RapatinError } from "../client/rapatin-errors.js";

/** Another process is booking this order and did not finish within `waitTimeoutMs`. Retry later. */
export class BookingInProgressError extends RapatinError {
  readonly orderId: string;

  constructor(orderId: string, waitedMs: number) {
    super(
      "RAPATIN_BOOKING_IN_PROGRESS",
      `Order ${orderId} is being booked elsewhere and was not finished after ${waitedMs} ms; retry later (the next attempt adopts that meeting)`,
    );
    this.orderId = orderId;
  }
}

/** A stored booking could not be read back as one (a hand-edited or foreign record under the booking key). */
export class BookingStoreError extends RapatinError {
  constructor(message: string) {
    super("RAPATIN_BOOKING_STORE_FAILED", message);
  }
}
