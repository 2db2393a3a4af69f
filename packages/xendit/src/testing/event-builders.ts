import { parseInput } from "@lunas/core";
import { z } from "zod";
import type {
  InvoiceCallback,
  PaymentSessionCompletedEvent,
  PaymentSessionExpiredEvent,
} from "../webhooks/xendit-events.js";

export interface SessionEventInput {
  sessionId: string;
  /** Becomes `reference_id` and `metadata.order_id` (what `createOrderPayment` sends). Omit for a session without metadata. */
  orderId?: string;
  /** `payment_id` of a completed session; default `py-<sessionId>`. `null` for a SAVE session, which has none. */
  paymentId?: string | null;
  amount?: number;
  currency?: string;
  businessId?: string;
  /** ISO 8601; default 2026-01-01T00:00:00.000Z. */
  at?: string;
  /** Extra `data` fields (channel_code, items, ...). */
  data?: Record<string, unknown>;
}

// Strict: a misspelt `orderId` would build an event without metadata and a test would pass for the wrong reason.
const sessionEventInputSchema = z.strictObject({
  sessionId: z.string().min(1),
  orderId: z.string().min(1).optional(),
  paymentId: z.string().min(1).nullable().optional(),
  amount: z.number().optional(),
  currency: z.string().optional(),
  businessId: z.string().optional(),
  at: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
const invoiceCallbackInputSchema = z.strictObject({
  invoiceId: z.string().min(1),
  status: z.enum(["PAID", "SETTLED", "EXPIRED"]),
  orderId: z.string(),
  withMetadata: z.boolean().optional(),
  amount: z.number().optional(),
  at: z.string().optional(),
  method: z.string().optional(),
  channel: z.string().optional(),
});

const DEFAULT_AT = "2026-01-01T00:00:00.000Z";
const DEFAULT_BUSINESS = "5f27a14a9bf05c73dd040bc8";

function sessionData(input: SessionEventInput, status: string) {
  const at = input.at ?? DEFAULT_AT;
  return {
    payment_session_id: input.sessionId,
    created: at,
    updated: at,
    reference_id: input.orderId ?? input.sessionId,
    session_type: "PAY",
    mode: "PAYMENT_LINK",
    currency: input.currency ?? "IDR",
    amount: input.amount ?? 150_000,
    country: "ID",
    status,
    business_id: input.businessId ?? DEFAULT_BUSINESS,
    payment_link_url: `https://xen.to/${input.sessionId}`,
    ...(input.orderId === undefined ? {} : { metadata: { order_id: input.orderId } }),
  };
}

/** A `payment_session.completed` webhook body in Xendit's documented envelope. */
export function buildPaymentSessionCompleted(
  input: SessionEventInput,
): PaymentSessionCompletedEvent {
  parseInput(sessionEventInputSchema, input, "payment_session.completed input");
  const paymentId = input.paymentId === undefined ? `py-${input.sessionId}` : input.paymentId;
  return {
    event: "payment_session.completed",
    business_id: input.businessId ?? DEFAULT_BUSINESS,
    created: input.at ?? DEFAULT_AT,
    data: {
      ...sessionData(input, "COMPLETED"),
      payment_request_id: paymentId === null ? null : `pr-${input.sessionId}`,
      ...(paymentId === null ? {} : { payment_id: paymentId }),
      ...input.data,
    },
  };
}

/** A `payment_session.expired` webhook body in Xendit's documented envelope. */
export function buildPaymentSessionExpired(input: SessionEventInput): PaymentSessionExpiredEvent {
  parseInput(sessionEventInputSchema, input, "payment_session.expired input");
  return {
    event: "payment_session.expired",
    business_id: input.businessId ?? DEFAULT_BUSINESS,
    created: input.at ?? DEFAULT_AT,
    data: { ...sessionData(input, "EXPIRED"), ...input.data },
  };
}

export interface InvoiceCallbackInput {
  invoiceId: string;
  status: "PAID" | "SETTLED" | "EXPIRED";
  /** `external_id`, and `metadata.order_id` when `withMetadata` is set. */
  orderId: string;
  withMetadata?: boolean;
  amount?: number;
  at?: string;
  method?: string;
  channel?: string;
}

/** A flat legacy invoice callback body, as Xendit posts it. */
export function buildInvoiceCallback(input: InvoiceCallbackInput): InvoiceCallback {
  parseInput(invoiceCallbackInputSchema, input, "invoice callback input");
  const at = input.at ?? DEFAULT_AT;
  const paid = input.status !== "EXPIRED";
  return {
    id: input.invoiceId,
    external_id: input.orderId,
    user_id: DEFAULT_BUSINESS,
    status: input.status,
    merchant_name: "Lunas Test Shop",
    amount: input.amount ?? 150_000,
    currency: "IDR",
    created: at,
    updated: at,
    ...(paid
      ? {
          paid_amount: input.amount ?? 150_000,
          paid_at: at,
          payment_method: input.method ?? "BANK_TRANSFER",
          payment_channel: input.channel ?? "MANDIRI",
        }
      : {}),
    ...(input.withMetadata ? { metadata: { order_id: input.orderId } } : {}),
  };
}
