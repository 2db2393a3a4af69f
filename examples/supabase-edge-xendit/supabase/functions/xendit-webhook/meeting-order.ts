import { parseInput } from "@lunas/core";
import type { MeetingRequest } from "@lunas/rapatin";
import type { PaymentSessionCompletedEvent } from "@lunas/xendit";
import { z } from "zod";

// What the checkout put in the payment session's metadata when the order was a
// meeting. Sessions without `participants` are other products: not ours to book.
const meetingMetadataSchema = z.looseObject({
  order_id: z.string().min(1).optional(),
  participants: z.coerce.number().int().positive(),
  topic: z.string().min(1),
  start_date: z.string(),
  start_time: z.string(),
  passcode: z.string().optional(),
});

export interface MeetingOrder {
  orderId: string;
  request: MeetingRequest;
}

/**
 * The meeting an event pays for, or `null` when the session is not a meeting
 * order. Unreadable meeting metadata throws `InvalidArgumentError`.
 */
export function meetingOrderOf(event: PaymentSessionCompletedEvent): MeetingOrder | null {
  const metadata = event.data.metadata ?? {};
  if (!("participants" in metadata)) return null;
  const parsed = parseInput(meetingMetadataSchema, metadata, "meeting metadata");
  return {
    orderId: parsed.order_id ?? event.data.reference_id,
    request: {
      participants: parsed.participants,
      topic: parsed.topic,
      startDate: parsed.start_date,
      startTime: parsed.start_time,
      ...(parsed.passcode === undefined ? {} : { passcode: parsed.passcode }),
    },
  };
}
