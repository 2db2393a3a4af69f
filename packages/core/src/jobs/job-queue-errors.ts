import { LunasError } from "../errors/lunas-error.js";

/** `enqueue` or `work` was called before `start()` or after `stop()`. */
export class JobQueueNotRunningError extends LunasError {
  constructor(action: string) {
    super("JOB_QUEUE_NOT_RUNNING", `Cannot ${action}: call start() on the job queue first`);
  }
}

/** `work` was called twice for one queue on the same `JobQueue`. */
export class WorkerAlreadyRegisteredError extends LunasError {
  readonly queue: string;

  constructor(queue: string) {
    super(
      "JOB_WORKER_EXISTS",
      `A handler already works queue "${queue}" on this JobQueue; register one handler per queue`,
    );
    this.queue = queue;
  }
}

/** A handler ran longer than the queue allows; the attempt counts as failed. */
export class JobHandlerTimeoutError extends LunasError {
  constructor(timeoutMs: number) {
    super("JOB_TIMEOUT", `Job handler did not finish within ${timeoutMs} ms`);
  }
}

/**
 * A pg-boss queue with this name exists with another policy than `short`, so
 * the singleton-key promise of `JobQueue` would not hold on it.
 */
export class JobQueuePolicyError extends LunasError {
  readonly queue: string;

  constructor(queue: string, policy: string | undefined) {
    super(
      "JOB_QUEUE_POLICY_MISMATCH",
      `pg-boss queue "${queue}" has policy "${policy ?? "unknown"}", but PgBossJobQueue needs "short"; ` +
        "use another queue name or recreate the queue with policy short",
    );
    this.queue = queue;
  }
}

/**
 * pg-boss could not start (database unreachable, no rights on the schema...).
 * pg-boss cannot retry a failed start on the same instance, so create a new
 * `PgBossJobQueue` to try again.
 */
export class JobQueueStartError extends LunasError {
  constructor(cause: unknown) {
    super(
      "JOB_QUEUE_START_FAILED",
      "The job queue could not start (the database error is in `cause`); fix it and create a new PgBossJobQueue",
      { cause },
    );
  }
}

/** `enqueue` was given a `transaction`, but this queue is not stored in that database. */
export class JobQueueTransactionUnsupportedError extends LunasError {
  constructor(adapter: string) {
    super(
      "JOB_QUEUE_TRANSACTION_UNSUPPORTED",
      `${adapter} cannot enqueue inside this SQL transaction; write the job with enqueueInOutbox and move it with createOutboxRelay`,
    );
  }
}
