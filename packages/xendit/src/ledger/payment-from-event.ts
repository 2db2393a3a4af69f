import type { XenditEvent } from "../webhooks/xendit-events.js";
import type { PaymentStatus, PaymentUpsert } from "./ledger-store.js";

function text(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** ISO 8601 in UTC with milliseconds, as every store returns it; null when not a date. */
function instant(value: unknown): string | null {
  const raw = text(value);
  if (raw === null) return null;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function orderIdFrom(metadata: Record<string, unknown> | null | undefined): string | null {
  return text(metadata?.order_id);
}

const invoiceStatus: Record<string, PaymentStatus> = {
  "invoice.paid": "paid",
  "invoice.settled": "settled",
  "invoice.expired": "expired",
};

/**
 * What a webhook event means for the payments table. A legacy invoice has no
 * session, so its invoice id takes the session id's place.
 */
export function paymentFromEvent(event: XenditEvent, now: number): PaymentUpsert {
  if (event.event === "payment_session.completed" || event.event === "payment_session.expired") {
    const data = event.data;
    const completed = event.event === "payment_session.completed";
    return {
      sessionId: data.payment_session_id,
      status: completed ? "paid" : "expired",
      amount: data.amount,
      currency: data.currency,
      method: text(data.payment_method) ?? text(data.payment_method_type),
      channel: text(data.channel_code) ?? text(data.payment_channel),
      paidAt: completed ? (instant(data.updated) ?? instant(event.created)) : null,
      metadataOrderId: orderIdFrom(data.metadata),
      rawEvent: event,
      now,
    };
  }
  const data = event.data;
  const paid = event.event !== "invoice.expired";
  return {
    sessionId: data.id,
    status: invoiceStatus[event.event] as PaymentStatus,
    amount: paid ? (data.paid_amount ?? data.amount) : data.amount,
    currency: data.currency ?? null,
    method: text(data.payment_method),
    channel: text(data.payment_channel),
    paidAt: paid ? instant(data.paid_at) : null,
    metadataOrderId: orderIdFrom(data.metadata),
    rawEvent: event,
    now,
  };
}
