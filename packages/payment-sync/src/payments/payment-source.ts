import { portSchema } from "@lunas/core/validation";

/** One successful payment: who paid, for what, and when. */
export interface Payment {
  /** The provider's payment (or order) id: unique per payment. */
  paymentId: string;
  userId: string;
  /** What was bought (a course id in the original system). */
  itemId: string;
  amount: number;
  /** ISO 8601, UTC. */
  paidAt: string;
  /** Where the payment came from (`midtrans`, `xendit`, …). */
  provider: string;
}

/** A page of an adapter-ordered listing; `cursor` is `null` after the last page. */
export interface Page<T> {
  items: T[];
  cursor: string | null;
}

/**
 * What was paid. The engine reads it in pages and per batch of users, so a
 * source never has to hold all of its payments in memory.
 */
export interface PaymentSource {
  /**
   * The ids of users with at least one successful payment, a page at a time.
   * A user may appear on more than one page (a DynamoDB scan sees one row per
   * payment); never twice on one page. `cursor` is the previous page's.
   */
  listPaymentUsers(request: { cursor: string | null; limit: number }): Promise<Page<string>>;
  /** Every successful payment of these users (any order). */
  paymentsOf(userIds: readonly string[]): Promise<Payment[]>;
  /**
   * Stores a successful payment once per `paymentId`; `recorded: false` when it
   * was already there (then nothing changes). Sources that only read (the
   * Xendit ledger) leave it out.
   */
  recordPayment?(payment: Payment): Promise<{ recorded: boolean }>;
}

/** Refuses an object that is not a `PaymentSource` before anything runs. */
export const paymentSourceSchema = portSchema<PaymentSource>("PaymentSource", [
  "listPaymentUsers",
  "paymentsOf",
]);
