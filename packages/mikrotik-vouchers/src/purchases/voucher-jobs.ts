import { type JobQueue, parseInput } from "@lunas/core";
import { portSchema } from "@lunas/core/validation";
import { z } from "zod";
import type { VoucherService } from "./voucher-service.js";

export const PAYMENT_SUCCEEDED_JOB = "mikrotik-vouchers.payment-succeeded";

export interface VoucherJobsOptions {
  queue: JobQueue;
  service: Pick<VoucherService, "paymentSucceeded">;
  /** Runs of one job before it is given up. Default 5. */
  retryLimit?: number;
  /** First wait before a job runs again, doubling after. Default 30 s. */
  retryDelaySeconds?: number;
}

const optionsSchema = z.strictObject({
  queue: portSchema<JobQueue>("JobQueue", ["start", "stop", "enqueue", "work"]),
  service: portSchema<Pick<VoucherService, "paymentSucceeded">>("VoucherService", [
    "paymentSucceeded",
  ]),
  retryLimit: z.number().int().min(0).max(100).default(5),
  retryDelaySeconds: z.number().int().min(1).default(30),
});

/**
 * Fulfilment off the webhook's path, on core's `JobQueue` port: the payment
 * webhook only enqueues (inside its transaction, if the queue supports it) and
 * answers; a worker runs `paymentSucceeded`. A job that finds another worker
 * on the purchase (`IDEMPOTENCY_IN_PROGRESS`) throws and is retried with backoff.
 */
export function createVoucherJobs(options: VoucherJobsOptions) {
  const { queue, service, retryLimit, retryDelaySeconds } = parseInput(
    optionsSchema,
    options,
    "voucher jobs options",
  );
  return {
    /** Queues the fulfilment of a paid purchase; `null` when it is already queued. */
    enqueuePaymentSucceeded(purchaseId: string): Promise<string | null> {
      return queue.enqueue(
        PAYMENT_SUCCEEDED_JOB,
        { purchaseId },
        { singletonKey: purchaseId, retryLimit, retryDelaySeconds, retryBackoff: true },
      );
    },
    /** Starts the worker that fulfils queued purchases. */
    work(): Promise<void> {
      return queue.work<{ purchaseId: string }>(PAYMENT_SUCCEEDED_JOB, async (job) => {
        await service.paymentSucceeded(job.data.purchaseId);
      });
    },
  };
}
