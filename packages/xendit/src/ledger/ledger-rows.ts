import type { LedgerOrder, LedgerPayment, PaymentStatus } from "./ledger-store.js";

/** An orders row as SQL or PostgREST returns it. */
export interface OrderRow {
  id: string;
  session_id: string | null;
  amount: number | string | null;
  currency: string | null;
  status: string | null;
  created_at: Date | string | null;
}

/** A payments row as SQL, `to_jsonb` or PostgREST returns it. */
export interface PaymentRow {
  session_id: string;
  order_id: string | null;
  status: PaymentStatus;
  amount: number | string | null;
  currency: string | null;
  method: string | null;
  channel: string | null;
  paid_at: Date | string | null;
  metadata_order_id: string | null;
  /** jsonb: text from `raw_event::text`, an object from `to_jsonb` or PostgREST. */
  raw_event: unknown;
  created_at: Date | string;
  updated_at: Date | string;
}

/** ISO 8601 UTC with milliseconds, whatever form the driver gave. */
export function isoInstant(value: Date | string | null): string | null {
  if (value === null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function orderFromRow(row: OrderRow): LedgerOrder {
  return {
    id: String(row.id),
    sessionId: row.session_id,
    amount: row.amount === null ? null : Number(row.amount),
    currency: row.currency,
    status: row.status ?? "pending",
    createdAt: isoInstant(row.created_at) ?? new Date(0).toISOString(),
  };
}

export function paymentFromRow(row: PaymentRow): LedgerPayment {
  return {
    sessionId: row.session_id,
    orderId: row.order_id,
    status: row.status,
    amount: row.amount === null ? null : Number(row.amount),
    currency: row.currency,
    method: row.method,
    channel: row.channel,
    paidAt: isoInstant(row.paid_at),
    metadataOrderId: row.metadata_order_id,
    rawEvent: typeof row.raw_event === "string" ? JSON.parse(row.raw_event) : row.raw_event,
    createdAt: isoInstant(row.created_at) as string,
    updatedAt: isoInstant(row.updated_at) as string,
  };
}
