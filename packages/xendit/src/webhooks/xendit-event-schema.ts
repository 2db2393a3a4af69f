import { z } from "zod";
import { NUL_MESSAGE, nulPath } from "./nul-path.js";
import {
  invoiceCallbackSchema,
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

/** A typed event as `on(...)` handlers receive it, for functions that take one from elsewhere (a queue). */
export const xenditEventSchema: z.ZodType<XenditEvent> = z
  .discriminatedUnion("event", [
    paymentSessionCompletedSchema,
    paymentSessionExpiredSchema,
    invoiceEvent("invoice.paid", "PAID"),
    invoiceEvent("invoice.settled", "SETTLED"),
    invoiceEvent("invoice.expired", "EXPIRED"),
  ])
  .superRefine((event, ctx) => {
    const path = nulPath(event);
    if (path) ctx.addIssue({ code: "custom", message: NUL_MESSAGE, path });
  }) as z.ZodType<XenditEvent>;
