import { parseInput } from "@lunas/core";
import { z } from "zod";

// Order ids go into a Zoom topic and a SQL key, so they stay short and plain.
export const orderIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/,
    "must be 1-64 letters, digits or . _ : - (starting with a letter or digit)",
  );

const epochMs = z.number().int().min(0).max(8_640_000_000_000_000);

export const meetingBookingSchema = z.strictObject({
  orderId: orderIdSchema,
  scheduleId: z.string().min(1),
  meetingId: z.string().min(1),
  joinUrl: z.string().url(),
  registrationUrl: z.string().nullable(),
  passcode: z.string().nullable(),
  topic: z.string().min(1),
  startDate: z.string().min(1),
  startTime: z.string().min(1),
  productId: z.number().int().positive(),
  bookedAt: epochMs,
});

export function checkOrderId(orderId: unknown): string {
  return parseInput(orderIdSchema, orderId, "order id");
}
