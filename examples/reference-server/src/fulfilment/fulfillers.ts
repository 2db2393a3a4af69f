import type { VoucherService } from "@lunas/mikrotik-vouchers";
import type { EntitlementStore, PaymentSource } from "@lunas/payment-sync";
import type { MeetingBooker } from "@lunas/rapatin";
import type { Ledger } from "@lunas/xendit";
import type { OrderDetails } from "../orders/order-store.js";

export interface Fulfillers {
  /** Delivers what the order bought; resolves what to record as its fulfilment. */
  fulfil(order: OrderDetails): Promise<unknown>;
  /** The payment session expired unpaid. */
  expire(order: OrderDetails): Promise<void>;
}

/**
 * One fulfiller per product type, each idempotent by the order id: the
 * meeting booker finds a meeting it made before by the reference in its
 * topic, the voucher service counts the router users tagged with the
 * purchase, and a grant of a course already granted changes nothing.
 */
export function createFulfillers(deps: {
  booker: MeetingBooker;
  vouchers: VoucherService;
  ledger: Ledger;
  payments: Required<Pick<PaymentSource, "recordPayment">>;
  entitlements: EntitlementStore;
}): Fulfillers {
  return {
    async fulfil(order) {
      const request = order.request;
      switch (request.product_type) {
        case "zoom_meeting": {
          const meeting = await deps.booker.scheduleMeetingForOrder(order.orderId, {
            participants: request.meeting.participants,
            topic: request.meeting.topic,
            startDate: request.meeting.start_date,
            startTime: request.meeting.start_time,
            ...(request.meeting.passcode ? { passcode: request.meeting.passcode } : {}),
          });
          return {
            meeting_id: meeting.meetingId,
            join_url: meeting.joinUrl,
            passcode: meeting.passcode,
            outcome: meeting.outcome,
          };
        }
        case "hotspot_voucher": {
          const result = await deps.vouchers.paymentSucceeded(order.orderId);
          if (result.purchase.status !== "completed") {
            throw new Error(
              `Purchase ${order.orderId} is ${result.purchase.status}: ${result.purchase.lastError ?? "no vouchers yet"}`,
            );
          }
          return {
            vouchers: result.vouchers.length,
            usernames: result.vouchers.map((voucher) => voucher.username),
            delivery: result.delivery ?? null,
          };
        }
        case "course": {
          const payment = await deps.ledger.findPaymentForOrder(order.orderId);
          if (!payment || (payment.status !== "paid" && payment.status !== "settled")) {
            throw new Error(`Order ${order.orderId} has no paid payment in the ledger`);
          }
          // The payment first, then the grant: reconciliation sees a paid,
          // ungranted course (and fixes it) if a crash falls between them.
          await deps.payments.recordPayment({
            paymentId: payment.sessionId,
            userId: request.user_id,
            itemId: request.course_id,
            amount: Number(payment.amount ?? 0),
            paidAt: payment.paidAt ?? payment.updatedAt,
            provider: "xendit",
          });
          const { granted } = await deps.entitlements.grant(request.user_id, request.course_id);
          return { user_id: request.user_id, course_id: request.course_id, granted_now: granted };
        }
      }
    },
    async expire(order) {
      if (order.productType === "hotspot_voucher") {
        const { purchase } = await deps.vouchers.getPurchase(order.orderId);
        if (purchase.status === "pending") await deps.vouchers.paymentExpired(order.orderId);
      }
    },
  };
}
