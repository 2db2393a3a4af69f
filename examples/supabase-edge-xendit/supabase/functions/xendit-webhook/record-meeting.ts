import { LunasError } from "@lunas/core";
import type { BookedMeeting } from "@lunas/rapatin";
import type { SupabaseClient } from "@supabase/supabase-js";

/**
 * Writes the booked meeting onto its row in `orders`. Throwing answers 500, so
 * Xendit redelivers and the booker returns the same meeting for another try.
 */
export async function recordMeetingOnOrder(
  supabase: SupabaseClient,
  meeting: BookedMeeting,
  timeoutMs = 10_000,
): Promise<void> {
  const { data, error } = await supabase
    .from("orders")
    .update({
      meeting_id: meeting.meetingId,
      zoom_link: meeting.joinUrl,
      zoom_passcode: meeting.passcode,
    })
    .eq("id", meeting.orderId)
    .select("id")
    .abortSignal(AbortSignal.timeout(timeoutMs));
  if (error) {
    throw new LunasError(
      "ORDER_RECORD_FAILED",
      `Could not record the meeting on order ${meeting.orderId}: ${error.code || error.message}`,
    );
  }
  // An update that matched no row succeeds quietly; the join link would be lost.
  if (data.length === 0) {
    throw new LunasError(
      "ORDER_NOT_FOUND",
      `Order ${meeting.orderId} is not in the orders table: its meeting ${meeting.meetingId} is booked but not written to it; insert the order, and Xendit's redelivery records it`,
    );
  }
}
