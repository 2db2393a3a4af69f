/**
 * The payment's state in the ledger. A late or out-of-order delivery never
 * moves it backwards: expired < paid < settled.
 */
export type PaymentStatus = "expired" | "paid" | "settled";

export const PAYMENT_STATUS_RANK: Readonly<Record<PaymentStatus, number>> = {
  expired: 1,
  paid: 2,
  settled: 3,
};

export interface LedgerOrder {
  id: string;
  /** The Xendit payment session (or legacy invoice id) this order is paid through; set once. */
  sessionId: string | null;
  amount: number | null;
  currency: string | null;
  /** The app's own order status; the ledger never changes it. */
  status: string;
  /** ISO 8601. */
  createdAt: string;
}

export interface NewOrder {
  id: string;
  amount?: number | null;
  currency?: string | null;
  status?: string;
}

export interface LedgerPayment {
  /** The payment session id (or, for legacy invoices, the invoice id). Unique. */
  sessionId: string;
  orderId: string | null;
  status: PaymentStatus;
  amount: number | null;
  currency: string | null;
  method: string | null;
  channel: string | null;
  /** ISO 8601, when Xendit says it was paid. */
  paidAt: string | null;
  /** The order id the event named in `metadata.order_id`, kept for linking later. */
  metadataOrderId: string | null;
  /** The event as received (the latest one that moved the status forward). */
  rawEvent: unknown;
  createdAt: string;
  updatedAt: string;
}

export interface PaymentUpsert {
  sessionId: string;
  status: PaymentStatus;
  amount: number | null;
  currency: string | null;
  method: string | null;
  channel: string | null;
  paidAt: string | null;
  metadataOrderId: string | null;
  rawEvent: unknown;
  /** The ledger clock's now, ms epoch. */
  now: number;
}

export type AttachOutcome =
  /** The order had no session; it has this one now. */
  | { status: "attached"; order: LedgerOrder }
  /** The order already had this very session. */
  | { status: "already_attached_same"; order: LedgerOrder }
  /** The order already has a different session; nothing changed. */
  | { status: "conflict"; order: LedgerOrder }
  /** Another order already holds this session; nothing changed. */
  | { status: "session_taken"; otherOrderId: string }
  | { status: "order_not_found" }
  /**
   * Nothing attached, yet the order has no session and no order holds this one:
   * another writer took the session and let it go between the store's write and
   * its reads. The ledger tries again; a store never retries on its own.
   */
  | { status: "contended" };

export interface LedgerCounts {
  orders: number;
  ordersWithSession: number;
  payments: number;
  linkedPayments: number;
  unlinkedPayments: number;
  paymentsByStatus: Record<PaymentStatus, number>;
}

/**
 * The ledger's storage port: orders with their `session_id`, and payments keyed
 * by a unique `session_id`. Every write is a single atomic conditional
 * statement, so concurrent webhooks and API calls cannot lose updates; all
 * linking policy lives once in `createLedger`, not in each adapter.
 */
export interface LedgerStore {
  /** Inserts the order unless one with this id exists; returns the stored order either way. */
  insertOrder(order: NewOrder, now: number): Promise<{ order: LedgerOrder; created: boolean }>;
  getOrder(orderId: string): Promise<LedgerOrder | null>;
  findOrderBySession(sessionId: string): Promise<LedgerOrder | null>;
  /** Sets `orders.session_id` only when it is empty, atomically. */
  attachSession(orderId: string, sessionId: string): Promise<AttachOutcome>;
  /** Compare-and-set: replaces the order's session only if it is still `expected`. */
  replaceSession(orderId: string, expected: string, next: string): Promise<boolean>;
  /**
   * Inserts the payment, or merges into the existing row with the same
   * session id: the status only moves forward (see `PAYMENT_STATUS_RANK`),
   * a forward move takes the new event's fields, otherwise only empty fields
   * are filled. `order_id` is never touched here.
   */
  upsertPayment(payment: PaymentUpsert): Promise<LedgerPayment>;
  getPayment(sessionId: string): Promise<LedgerPayment | null>;
  listPaymentsForOrder(orderId: string): Promise<LedgerPayment[]>;
  /** Sets `payments.order_id` only when it is empty; true when it did. */
  linkPayment(sessionId: string, orderId: string): Promise<boolean>;
  listUnlinkedPayments(): Promise<LedgerPayment[]>;
  /** Orders without a session that linked payments point at. */
  listSessionlessOrdersWithPayments(): Promise<{ order: LedgerOrder; payments: LedgerPayment[] }[]>;
  counts(): Promise<LedgerCounts>;
}

/** Highest status first, then oldest, then by session id: the payment that speaks for an order. */
export function comparePayments(a: LedgerPayment, b: LedgerPayment): number {
  return (
    PAYMENT_STATUS_RANK[b.status] - PAYMENT_STATUS_RANK[a.status] ||
    a.createdAt.localeCompare(b.createdAt) ||
    a.sessionId.localeCompare(b.sessionId)
  );
}

/** Oldest first, then by session id: the order reports and backfills list payments in. */
export function byCreation(a: LedgerPayment, b: LedgerPayment): number {
  return a.createdAt.localeCompare(b.createdAt) || a.sessionId.localeCompare(b.sessionId);
}
