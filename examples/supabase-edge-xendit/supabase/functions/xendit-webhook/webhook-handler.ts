import type { IdempotencyStore } from "@lunas/core";
import {
  type BookedMeeting,
  createMeetingBooker,
  type ProductTier,
  type RapatinClient,
} from "@lunas/rapatin";
import { createXenditWebhooks } from "@lunas/xendit";
import { meetingOrderOf } from "./meeting-order.ts";

export interface XenditWebhookHandlerOptions {
  /** Xendit's callback verification token(s): the current one, and the old one during a rotation. */
  verificationTokens: string[];
  /**
   * Remembers processed deliveries and each order's meeting booking across
   * instances (Supabase in production): one store, one claim per event and
   * one per order.
   */
  idempotencyStore: IdempotencyStore;
  /** A Rapatin client whose token store is shared by every instance (Supabase in production). */
  rapatin: RapatinClient;
  productTable?: readonly ProductTier[];
  /** The booker's claim on an order; must outlast one Rapatin create call. Default 120 000 ms. */
  leaseMs?: number;
  /** How long a redelivery waits for an attempt in progress. Default `leaseMs` + 10 000 ms. */
  waitTimeoutMs?: number;
  /** Where a booked meeting goes next (write it to the order, send the link). */
  onBooked?: (meeting: BookedMeeting) => Promise<void> | void;
  /** One JSON line per outcome; never carries tokens. Default `console.log`. */
  log?: (entry: Record<string, unknown>) => void;
}

/**
 * The `xendit-webhook` function's logic as a Web `(Request) => Promise<Response>`:
 * verify Xendit's callback token, process each event once, and book the Zoom
 * meeting a completed payment session paid for.
 */
export function createXenditWebhookHandler(
  options: XenditWebhookHandlerOptions,
): (request: Request) => Promise<Response> {
  const log = options.log ?? ((entry) => console.log(JSON.stringify(entry)));
  const booker = createMeetingBooker({
    client: options.rapatin,
    store: options.idempotencyStore,
    ...(options.productTable ? { productTable: options.productTable } : {}),
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
    ...(options.waitTimeoutMs === undefined ? {} : { waitTimeoutMs: options.waitTimeoutMs }),
  });
  const webhooks = createXenditWebhooks({
    verificationTokens: options.verificationTokens,
    store: options.idempotencyStore,
  });

  webhooks.on("payment_session.completed", async (event) => {
    const order = meetingOrderOf(event);
    if (!order) {
      log({
        event: event.event,
        session: event.data.payment_session_id,
        skipped: "not a meeting order",
      });
      return;
    }
    const meeting = await booker.scheduleMeetingForOrder(order.orderId, order.request);
    log({
      event: event.event,
      order: meeting.orderId,
      meeting: meeting.meetingId,
      outcome: meeting.outcome,
    });
    await options.onBooked?.(meeting);
  });
  webhooks.onError((error, context) => {
    const code = (error as { code?: unknown } | null)?.code;
    log({ error: typeof code === "string" ? code : "UNEXPECTED", ...context });
  });

  return (request) => webhooks.handler(request);
}
