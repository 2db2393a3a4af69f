import { parseInput } from "@lunas/core";
import { z } from "zod";
import { payloadProblem } from "./storable-payload.js";
import {
  invoiceCallbackSchema,
  isParsedEvent,
  markParsed,
  paymentSessionCompletedSchema,
  paymentSessionExpiredSchema,
  type XenditEvent,
} from "./xendit-events.js";

const invoiceEvent = <N extends string>(name: N, status: string) =>
  z.object({
    event: z.literal(name),
    data: invoiceCallbackSchema.refine((data) => data.status === status, {
      message: `status must be ${status}`,
      path: ["status"],
    }),
  });

// Checked before the schema runs, so zod never walks a hostile depth.
const storable = z.unknown().superRefine((value, ctx) => {
  const problem = payloadProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem.message, path: problem.path });
});

/** A typed event as `on(...)` handlers receive it, for functions that take one from elsewhere (a queue). */
export const xenditEventSchema: z.ZodType<XenditEvent> = storable.pipe(
  z.discriminatedUnion("event", [
    paymentSessionCompletedSchema,
    paymentSessionExpiredSchema,
    invoiceEvent("invoice.paid", "PAID"),
    invoiceEvent("invoice.settled", "SETTLED"),
    invoiceEvent("invoice.expired", "EXPIRED"),
  ]),
) as z.ZodType<XenditEvent>;

/**
 * The event as this package's schemas accept it: an event that already came
 * out of a parse here (a delivery's) is returned as is, anything else is
 * validated once (INVALID_ARGUMENT when it does not fit).
 */
export function parseXenditEvent(input: unknown): XenditEvent {
  if (isParsedEvent(input)) return input;
  return markParsed(parseInput(xenditEventSchema, input, "Xendit event"));
}
