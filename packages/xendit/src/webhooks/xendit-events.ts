import { LunasError } from "@lunas/core";
import { z } from "zod";
import { openEnum } from "../client/open-enum.js";
import { paymentSessionSchema } from "../client/session-schemas.js";
import { describePath, payloadProblem } from "./storable-payload.js";

const sessionEnvelope = {
  business_id: z.string(),
  created: z.string(),
  data: paymentSessionSchema,
};

/** `payment_session.completed`: the customer paid (or, for SAVE sessions, saved a method). */
export const paymentSessionCompletedSchema = z.looseObject({
  event: z.literal("payment_session.completed"),
  ...sessionEnvelope,
});
export type PaymentSessionCompletedEvent = z.infer<typeof paymentSessionCompletedSchema>;

/** `payment_session.expired`: `expires_at` passed without a completed payment. */
export const paymentSessionExpiredSchema = z.looseObject({
  event: z.literal("payment_session.expired"),
  ...sessionEnvelope,
});
export type PaymentSessionExpiredEvent = z.infer<typeof paymentSessionExpiredSchema>;

/**
 * The legacy invoice callback: flat, no envelope, the invoice itself with its
 * new status (xendit-node/xendit-python `InvoiceCallback`).
 */
export const invoiceCallbackSchema = z.looseObject({
  id: z.string().min(1),
  external_id: z.string(),
  status: openEnum(["PAID", "SETTLED", "EXPIRED"]),
  amount: z.number(),
  user_id: z.string().optional(),
  merchant_name: z.string().optional(),
  currency: z.string().optional(),
  created: z.string().optional(),
  updated: z.string().optional(),
  description: z.string().nullish(),
  payer_email: z.string().nullish(),
  paid_amount: z.number().nullish(),
  paid_at: z.string().nullish(),
  payment_method: z.string().nullish(),
  payment_channel: z.string().nullish(),
  payment_destination: z.string().nullish(),
  payment_id: z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});
export type InvoiceCallback = z.infer<typeof invoiceCallbackSchema>;

export interface InvoicePaidEvent {
  event: "invoice.paid";
  data: InvoiceCallback;
}
export interface InvoiceSettledEvent {
  event: "invoice.settled";
  data: InvoiceCallback;
}
export interface InvoiceExpiredEvent {
  event: "invoice.expired";
  data: InvoiceCallback;
}

/** Every event this package understands, discriminated by `event`. */
export type XenditEvent =
  | PaymentSessionCompletedEvent
  | PaymentSessionExpiredEvent
  | InvoicePaidEvent
  | InvoiceSettledEvent
  | InvoiceExpiredEvent;
export type XenditEventName = XenditEvent["event"];
export type XenditEventOf<N extends XenditEventName> = Extract<XenditEvent, { event: N }>;

export const XENDIT_EVENT_NAMES = [
  "payment_session.completed",
  "payment_session.expired",
  "invoice.paid",
  "invoice.settled",
  "invoice.expired",
] as const satisfies readonly XenditEventName[];

/** A well-formed JSON body this package has no schema for (another product's callback, a new event). */
export interface UnknownXenditEvent {
  event: string | null;
  body: unknown;
}

export type ParsedWebhook =
  | { kind: "known"; event: XenditEvent }
  | { kind: "unknown"; unknown: UnknownXenditEvent };

/** The body is not a shape this package accepts for the event it claims to be (the handler answers 400). */
export class XenditEventShapeError extends LunasError {
  readonly issues: readonly string[];

  constructor(what: string, issues: readonly string[]) {
    super("INVALID_EVENT", `Malformed ${what}: ${issues.join("; ")}`);
    this.issues = issues;
  }
}

const sessionSchemas = {
  "payment_session.completed": paymentSessionCompletedSchema,
  "payment_session.expired": paymentSessionExpiredSchema,
} as const;

const invoiceEventNames = {
  PAID: "invoice.paid",
  SETTLED: "invoice.settled",
  EXPIRED: "invoice.expired",
} as const;

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Events this package produced by parsing (a delivery, `receive`, the ledger's own
// check): the ledger takes them as they are instead of validating them twice.
const parsedEvents = new WeakSet<object>();

/** Marks an event as validated by this package's schemas. */
export function markParsed<T extends XenditEvent>(event: T): T {
  parsedEvents.add(event);
  return event;
}

/** Whether this event came out of one of this package's parses, so checking it again is wasted work. */
export function isParsedEvent(event: unknown): event is XenditEvent {
  return typeof event === "object" && event !== null && parsedEvents.has(event);
}

/**
 * Classifies a parsed JSON body. Known events (the payment-session envelope
 * events and the flat invoice callback with status PAID / SETTLED / EXPIRED)
 * must match their schema, else `XenditEventShapeError` (a 400). Any other
 * JSON object (another product's callback, a new event) is `unknown`: Xendit
 * gets its 200 and `onUnknown` sees it. Only a body that is not an object, or
 * that nests deeper than `MAX_PAYLOAD_DEPTH`, is refused without a shape.
 */
export function parseXenditWebhook(body: unknown): ParsedWebhook {
  if (!isRecord(body))
    throw new XenditEventShapeError("webhook body", ["(root): expected a JSON object"]);
  const problem = payloadProblem(body);
  if (problem?.kind === "too_deep") {
    throw new XenditEventShapeError("webhook body", [
      `${describePath(problem.path)}: ${problem.message}`,
    ]);
  }
  const parsed = classify(body);
  if (parsed.kind === "known" && problem) {
    throw new XenditEventShapeError(parsed.event.event, [
      `${describePath(problem.path)}: ${problem.message}`,
    ]);
  }
  if (parsed.kind === "known") markParsed(parsed.event);
  return parsed;
}

/**
 * A flat invoice callback is recognised by its status, not by `external_id`
 * and `status` alone: fixed-payment-code (retail outlet) callbacks carry
 * SETTLING / COMPLETED and disbursement callbacks COMPLETED / FAILED with
 * the same two fields, and must not be taken for invoices.
 */
function invoiceEventNameOf(body: Record<string, unknown>): XenditEventName | null {
  const status = body.status;
  if (typeof status !== "string" || !("external_id" in body)) return null;
  // Own keys only: a status such as "constructor" must not find Object.prototype's members.
  return Object.hasOwn(invoiceEventNames, status)
    ? invoiceEventNames[status as keyof typeof invoiceEventNames]
    : null;
}

function classify(body: Record<string, unknown>): ParsedWebhook {
  const name = body.event;
  if (name === "payment_session.completed" || name === "payment_session.expired") {
    const parsed = sessionSchemas[name].safeParse(body);
    if (!parsed.success) throw new XenditEventShapeError(name, issuesOf(parsed.error));
    return { kind: "known", event: parsed.data };
  }
  if (typeof name === "string") return { kind: "unknown", unknown: { event: name, body } };
  const invoiceEvent = invoiceEventNameOf(body);
  if (invoiceEvent !== null) {
    const parsed = invoiceCallbackSchema.safeParse(body);
    if (!parsed.success)
      throw new XenditEventShapeError("invoice callback", issuesOf(parsed.error));
    return { kind: "known", event: { event: invoiceEvent, data: parsed.data } as XenditEvent };
  }
  // Never named after an invoice status: only the body says what it is.
  return { kind: "unknown", unknown: { event: null, body } };
}

/**
 * The key a delivery is deduplicated by, from what Xendit documents as the
 * event's identity. A completed session carries the `payment_id` of the
 * payment that completed it; a SAVE session completes without one, so the
 * session id stands in. Expiry happens once per session. An invoice moves
 * through each status once.
 */
export function dedupeKeyOf(event: XenditEvent): string {
  switch (event.event) {
    case "payment_session.completed":
      return `payment_session.completed:${event.data.payment_id ?? event.data.payment_session_id}`;
    case "payment_session.expired":
      return `payment_session.expired:${event.data.payment_session_id}`;
    case "invoice.paid":
    case "invoice.settled":
    case "invoice.expired":
      return `invoice:${event.data.id}:${event.data.status}`;
  }
}

/**
 * What identifies the event's content for the idempotency fingerprint: a
 * redelivery of the same event may carry a new envelope timestamp, so only
 * the fields that define the event are compared, not the whole body.
 */
export function fingerprintOf(event: XenditEvent): Record<string, unknown> {
  if (event.event === "payment_session.completed" || event.event === "payment_session.expired") {
    return {
      event: event.event,
      session: event.data.payment_session_id,
      payment: event.data.payment_id ?? null,
      status: event.data.status,
      amount: event.data.amount,
      currency: event.data.currency,
    };
  }
  return {
    event: event.event,
    invoice: event.data.id,
    status: event.data.status,
    amount: event.data.amount,
  };
}
