import { z } from "zod";
import { queueNameSchema } from "./enqueue-input.js";
import type { EnqueueOptions } from "./job-queue.js";

/** A job written to the outbox table, to be moved into a `JobQueue` by `createOutboxRelay`. */
export interface OutboxJob {
  queue: string;
  /** JSON-serialisable. */
  data?: unknown;
  /** What `JobQueue.enqueue` takes, minus `transaction` (the relay supplies its own). */
  options?: Omit<EnqueueOptions, "transaction" | "startAfter"> & { startAfter?: string };
}

export const outboxJobSchema: z.ZodType<OutboxJob> = z.strictObject({
  queue: queueNameSchema,
  data: z.unknown().optional(),
  options: z
    .strictObject({
      singletonKey: z.string().min(1).max(255).optional(),
      retryLimit: z.number().int().min(0).max(10_000).optional(),
      retryDelaySeconds: z.number().int().min(0).optional(),
      retryBackoff: z.boolean().optional(),
      startAfter: z.iso.datetime({ offset: true }).optional(),
    })
    .optional(),
});
