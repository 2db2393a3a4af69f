import type { JobQueue } from "@lunas/core";
import type { OutboxJob } from "@lunas/core/postgres";
import type { Logger } from "pino";
import type { Metrics } from "../observability/metrics.js";
import type { OrderDetailsStore } from "../orders/order-store.js";
import type { Fulfillers } from "./fulfillers.js";

export const FULFIL_QUEUE = "orders.fulfil";
export const EXPIRE_QUEUE = "orders.expire";
/** Every queue the server enqueues to inside a transaction (PGlite must create them at start). */
export const SERVER_QUEUES = [FULFIL_QUEUE, EXPIRE_QUEUE] as const;

export interface FulfilmentJobs {
  fulfilJob(orderId: string): OutboxJob;
  expireJob(orderId: string): OutboxJob;
  /** Registers the workers on the queue. */
  work(): Promise<void>;
}

export interface FulfilmentJobsOptions {
  queue: JobQueue;
  orders: OrderDetailsStore;
  fulfillers: Fulfillers;
  retryLimit: number;
  retryDelaySeconds: number;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Fulfilment as durable jobs: the webhook's transaction writes the job to the
 * outbox, the relay moves it to pg-boss, a worker here runs it. A job that
 * throws is retried with exponential backoff and survives restarts; every
 * fulfiller is idempotent by the order id, so a repeat finds earlier work.
 */
export function createFulfilmentJobs(options: FulfilmentJobsOptions): FulfilmentJobs {
  const { queue, orders, fulfillers, logger, metrics } = options;
  const retry = {
    retryLimit: options.retryLimit,
    retryDelaySeconds: options.retryDelaySeconds,
    retryBackoff: true,
  };

  async function fulfil(orderId: string): Promise<void> {
    const order = await orders.get(orderId);
    if (!order) throw new Error(`Order ${orderId} does not exist`);
    if (order.status === "fulfilled") return;
    const log = logger.child({ orderId, product: order.productType });
    try {
      const result = await fulfillers.fulfil(order);
      const recorded = await orders.markFulfilled(orderId, result);
      metrics.fulfilments.inc({ product: order.productType, outcome: "fulfilled" });
      log.info({ recorded }, "order fulfilled");
    } catch (error) {
      metrics.fulfilments.inc({ product: order.productType, outcome: "failed" });
      const message = error instanceof Error ? error.message : String(error);
      log.warn({ err: error }, "fulfilment failed; the queue retries it with backoff");
      await orders.noteFailure(orderId, message).catch(() => {});
      throw error;
    }
  }

  return {
    fulfilJob: (orderId) => ({
      queue: FULFIL_QUEUE,
      data: { orderId },
      options: { singletonKey: orderId, ...retry },
    }),
    expireJob: (orderId) => ({
      queue: EXPIRE_QUEUE,
      data: { orderId },
      options: { singletonKey: orderId, ...retry },
    }),
    async work() {
      await queue.work<{ orderId: string }>(FULFIL_QUEUE, (job) => fulfil(job.data.orderId));
      await queue.work<{ orderId: string }>(EXPIRE_QUEUE, async (job) => {
        const order = await orders.get(job.data.orderId);
        if (order) await fulfillers.expire(order);
      });
    },
  };
}
