import type { SqlExecutor } from "../sql/executor.js";

export interface EnqueueOptions {
  /**
   * At most one job with this key waits for its first run per queue: while a
   * job with the same key is queued and has not started yet, enqueueing
   * returns `null` instead of a second job. Once that job has started (running,
   * waiting for a retry, finished or failed) the key is free again, so a job
   * for the same key enqueued meanwhile runs as well; handlers stay idempotent.
   * (pg-boss: a queue with the `short` policy; see `PgBossJobQueue`.)
   */
  singletonKey?: string;
  /** Retries after the first failure (0 = run once). Default 3. */
  retryLimit?: number;
  /** Whole seconds before the first retry. Default 5. */
  retryDelaySeconds?: number;
  /**
   * Grow the delay on each retry: retry n waits between d·2^(n-1) and
   * d·2^n seconds (d = retryDelaySeconds, at least 1). Default true.
   */
  retryBackoff?: boolean;
  /** Do not start before this time. */
  startAfter?: Date;
  /**
   * Enqueue inside this open transaction (the `tx` of `SqlExecutor.transaction`
   * or of a transactional processor's handler): the job exists exactly when the
   * transaction commits. Only a queue stored in that same database can do this
   * (`PgBossJobQueue`); others refuse with `JobQueueTransactionUnsupportedError`.
   * For those, write the job to the outbox (`enqueueInOutbox`) and run
   * `createOutboxRelay`.
   */
  transaction?: SqlExecutor;
}

export interface Job<T> {
  id: string;
  name: string;
  /** The enqueued data after a JSON round trip (what a database would store). */
  data: T;
}

export type JobHandler<T> = (job: Job<T>) => Promise<void>;

/**
 * Background work that survives a restart. A handler that throws is retried
 * with backoff up to the retry limit.
 *
 * Call `start()` before `enqueue` or `work`. Queue names are 1–120 characters
 * of letters, digits, `_`, `.`, `:` and `-`; job data must be JSON-serialisable.
 * Bad input throws `InvalidArgumentError` and enqueues nothing.
 */
export interface JobQueue {
  start(): Promise<void>;
  /** Stops taking jobs and waits for running handlers to finish. */
  stop(): Promise<void>;
  /** Resolves the job id, or `null` when a job with the same `singletonKey` is already queued. */
  enqueue<T>(name: string, data: T, options?: EnqueueOptions): Promise<string | null>;
  /** Runs `handler` for each job of queue `name`, one at a time; one handler per queue. */
  work<T>(name: string, handler: JobHandler<T>): Promise<void>;
}
