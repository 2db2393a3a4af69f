import {
  type Clock,
  createWebhookProcessor,
  type IdempotentProcessor,
  parseInput,
  systemClock,
  type WebhookErrorContext,
} from "@lunas/core";
import { callableSchema, clockSchema, portSchema } from "@lunas/core/validation";
import { z } from "zod";
import {
  type EntitlementStore,
  entitlementStoreSchema,
} from "../entitlements/entitlement-store.js";
import type { PaymentSource } from "../payments/payment-source.js";
import {
  isMidtransPaid,
  type MidtransNotification,
  midtransNotificationSchema,
  midtransTimeToIso,
} from "./midtrans-notification.js";
import { constantTimeEqual, midtransSignature } from "./midtrans-signature.js";

export interface MidtransNotificationHandlerOptions {
  /** The Midtrans server key the signature is made with. Never logged. */
  serverKey: string;
  /** Core's idempotent processor: its store holds the claim that makes a paid notification take effect once. */
  processor: IdempotentProcessor;
  /** Where the payment is recorded (needs `recordPayment`). */
  payments: PaymentSource;
  entitlements: EntitlementStore;
  /** Who bought what: from your order table, or from the order id's own format. */
  resolveOrder: (
    notification: MidtransNotification,
  ) => { userId: string; itemId: string } | Promise<{ userId: string; itemId: string }>;
  /** Sees every error behind a non-2xx answer (for logging), with the stage it failed in. */
  onError?: (error: unknown, context: WebhookErrorContext<MidtransNotification>) => void;
  /** `paidAt` when the notification carries no settlement or transaction time. */
  clock?: Clock;
}

/** What a handled notification answers (200), also on a replay. */
export interface MidtransOutcome {
  orderId: string;
  paid: boolean;
  /** For a paid notification: whether this delivery recorded the payment and granted the item. */
  recorded?: boolean;
  granted?: boolean;
}

const optionsSchema = z.strictObject({
  serverKey: z.string().min(1, "must be your Midtrans server key"),
  processor: portSchema<IdempotentProcessor>("IdempotentProcessor", ["run"]),
  payments: portSchema<PaymentSource>("PaymentSource with recordPayment", [
    "listPaymentUsers",
    "paymentsOf",
    "recordPayment",
  ]),
  entitlements: entitlementStoreSchema,
  resolveOrder: callableSchema("must be a function (notification) => { userId, itemId }"),
  onError: callableSchema().optional(),
  clock: clockSchema.default(systemClock),
});

const resolvedOrderSchema = z.strictObject({
  userId: z.string().min(1).max(512),
  itemId: z.string().min(1).max(512),
});

/**
 * The Midtrans notification URL as a Web `(Request) => Promise<Response>`:
 * signature checked over the raw strings (SHA-512, constant-time) → parsed →
 * for a paid notification, the payment recorded and the item granted as one
 * idempotent run on core's claim (a redelivery, or ten at once, change nothing
 * after the first). A forged signature answers 401 and writes nothing; unpaid
 * statuses answer 200 and grant nothing. Both writes are idempotent by their
 * own key too, so a crash between them is repaired by Midtrans' retry.
 */
export function createMidtransNotificationHandler(
  options: MidtransNotificationHandlerOptions,
): (request: Request) => Promise<Response> {
  const { serverKey, processor, payments, entitlements, clock } = parseInput(
    optionsSchema,
    options,
    "Midtrans notification handler options",
  );
  // Callbacks keep their declared types; the schema only checked they are functions.
  const { resolveOrder, onError } = options;
  const recordPayment = payments.recordPayment?.bind(payments) as NonNullable<
    PaymentSource["recordPayment"]
  >;

  return createWebhookProcessor<MidtransNotification, MidtransOutcome>({
    processor,
    unauthorizedMessage:
      "The notification's signature_key does not match the configured Midtrans server key",
    ...(onError ? { onError } : {}),
    verify: async (request) => {
      const body = midtransNotificationSchema.safeParse(JSON.parse(await request.text()));
      if (!body.success) return false;
      const { order_id, status_code, gross_amount, signature_key } = body.data;
      const expected = await midtransSignature(order_id, status_code, gross_amount, serverKey);
      return constantTimeEqual(expected, signature_key.toLowerCase());
    },
    parse: (body) => midtransNotificationSchema.parse(body),
    // Unpaid notifications change nothing, so they need no claim.
    key: (notification) =>
      isMidtransPaid(notification) ? `midtrans:paid:${notification.order_id}` : null,
    // `capture` then `settlement` of one order are one payment: not a conflicting payload.
    fingerprint: (notification) => ({
      orderId: notification.order_id,
      amount: notification.gross_amount,
    }),
    handle: async (notification) => {
      if (!isMidtransPaid(notification)) return { orderId: notification.order_id, paid: false };
      const order = parseInput(
        resolvedOrderSchema,
        await resolveOrder(notification),
        "resolveOrder result",
      );
      const paidAt =
        midtransTimeToIso(notification.settlement_time) ??
        midtransTimeToIso(notification.transaction_time) ??
        new Date(clock.now()).toISOString();
      const { recorded } = await recordPayment({
        paymentId: notification.order_id,
        userId: order.userId,
        itemId: order.itemId,
        amount: Number(notification.gross_amount),
        paidAt,
        provider: "midtrans",
      });
      const { granted } = await entitlements.grant(order.userId, order.itemId);
      return { orderId: notification.order_id, paid: true, recorded, granted };
    },
    respond: ({ result, replayed }) => Response.json({ ok: true, replayed, ...result }),
  });
}
