export interface EnqueueOptions {
  /**
   * At most one job with this key waits in the queue at a time: enqueueing a
   * duplicate while one is queued returns `null` instead of a second job.
   */
  singletonKey?: string;
  /** Retries after the first failure. Default 3. */
  retryLimit?: number;
  /** Seconds before the first retry. Default 5. */
  retryDelaySeconds?: number;
  /** Double the delay on each retry. Default true. */
  retryBackoff?: boolean;
  /** Do not start before this time. */
  startAfter?: Date;
}

export interface Job<T> {
  id: string;
  name: string;
  data: T;
}

export type JobHandler<T> = (job: Job<T>) => Promise<void>;

/**
 * Background work that survives a restart. A handler that throws is retried
 * with backoff up to the retry limit.
 */
export interface JobQueue {
  start(): Promise<void>;
  /** Stops taking jobs and waits for running handlers to finish. */
  stop(): Promise<void>;
  /** Resolves the job id, or `null` when a job with the same `singletonKey` is already queued. */
  enqueue<T>(name: string, data: T, options?: EnqueueOptions): Promise<string | null>;
  work<T>(name: string, handler: JobHandler<T>): Promise<void>;
}
