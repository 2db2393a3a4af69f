import { z } from "zod";

/**
 * A Midtrans HTTP notification, as far as this package reads it. Amounts and
 * codes stay strings: the signature is computed over them as sent.
 */
export const midtransNotificationSchema = z.looseObject({
  order_id: z.string().min(1).max(512),
  status_code: z.string().min(1),
  gross_amount: z.string().regex(/^\d+(\.\d+)?$/, "must be a decimal amount as a string"),
  signature_key: z.string().min(1),
  transaction_status: z.string().min(1),
  fraud_status: z.string().optional(),
  transaction_id: z.string().optional(),
  transaction_time: z.string().optional(),
  settlement_time: z.string().optional(),
  payment_type: z.string().optional(),
});

export type MidtransNotification = z.infer<typeof midtransNotificationSchema>;

/**
 * Whether the money is in: `settlement`, or `capture` that the fraud check
 * accepted. Everything else (`pending`, `deny`, `expire`, `cancel`, a
 * challenged capture, refunds) grants nothing.
 */
export function isMidtransPaid(
  notification: Pick<MidtransNotification, "transaction_status" | "fraud_status">,
): boolean {
  return (
    notification.transaction_status === "settlement" ||
    (notification.transaction_status === "capture" && notification.fraud_status === "accept")
  );
}

const MIDTRANS_TIME = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)$/;

/** Midtrans writes times as `2026-05-17 15:30:15` in Jakarta time (UTC+7); answers ISO 8601 UTC, or null. */
export function midtransTimeToIso(time: string | undefined): string | null {
  const match = time ? MIDTRANS_TIME.exec(time) : null;
  if (!match) return null;
  const at = Date.parse(`${match[1]}T${match[2]}+07:00`);
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}
