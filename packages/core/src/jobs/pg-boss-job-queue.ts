import type PgBoss from "pg-boss";
import { z } from "zod";
import { InvalidArgumentError } from "../errors/lunas-error.js";
import { parseInput } from "../errors/parse-input.js";
import { callableSchema } from "../input/injected-schemas.js";
import { retry } from "../retry/retry.js";
import { realSleep } from "../time/clock.js";
import { parseEnqueueInput, parseQueueName, queueNameSchema } from "./enqueue-input.js";
import type { EnqueueOptions, JobHandler, JobQueue } from "./job-queue.js";
import {
  JobQueueNotRunningError,
  JobQueuePolicyError,
  JobQueueStartError,
  JobQueueTransactionUnsupportedError,
  WorkerAlreadyRegisteredError,
} from "./job-queue-errors.js";
import { PgBossClass, pgBoss11OrLater } from "./pg-boss-class.js";
import type { PgBossDb, PgBossLike, PgBossOptionsLike } from "./pg-boss-types.js";
import { createPgliteBossDb, type PgliteBossDb, type PgliteForBoss } from "./pglite-boss-db.js";

/**
 * Where the jobs live: a PostgreSQL connection string (pg-boss opens its own
 * pool), a pg-boss `Db` (`executeSql(text, values)`), a PGlite instance
 * (wrapped with `createPgliteBossDb`), or a `PgBoss` instance you already
 * configured (then you own it: `stop()` leaves it running).
 */
export type PgBossJobQueueSource =
  | PgBossLike
  | { connectionString: string }
  | { db: PgBossDb | PgliteForBoss };

export interface PgBossJobQueueOptions {
  /** pg-boss's schema (created on start). Default `pgboss`. Not with a `PgBoss` instance. */
  schema?: string;
  /** How often an idle worker polls for due jobs and retries. Default 2; pg-boss's minimum is 0.5. */
  pollingIntervalSeconds?: number;
  /** How long `stop()` waits for running handlers. Default 30 000. */
  stopTimeoutMs?: number;
  /**
   * pg-boss reports background failures (polling, maintenance) as `error`
   * events; they never crash the process and go here. Default: console.error.
   */
  onError?: (error: unknown) => void;
  /**
   * More pg-boss constructor options (e.g. `expireInSeconds`, the handler
   * timeout, default 15 min; `max` pool size). Not with a `PgBoss` instance.
   */
  bossOptions?: PgBossOptionsLike;
  /**
   * Queues created by `start()`. Every queue is otherwise created on first use;
   * on PGlite (one connection) that cannot happen while a caller's transaction
   * holds it, so list here the queues you enqueue to with `transaction`.
   */
  queues?: readonly string[];
}

// pg connection options pg-boss hands through to its pool, so a dead database
// fails calls instead of hanging them.
const POOL_TIMEOUTS = { connectionTimeoutMillis: 10_000, query_timeout: 60_000 };

type OffWorkByName = (name: string, options: { id: string }) => Promise<void>;

const isFunction = (value: unknown) => typeof value === "function";

function isPgBoss(source: unknown): source is PgBossLike {
  const candidate = source as Partial<Record<"send" | "work" | "createQueue", unknown>>;
  return (
    isFunction(candidate?.send) && isFunction(candidate.work) && isFunction(candidate.createQueue)
  );
}

function isBossDb(db: unknown): db is PgBossDb {
  return isFunction((db as Partial<PgBossDb> | undefined)?.executeSql);
}

function isPglite(db: unknown): db is PgliteForBoss {
  const candidate = db as Partial<Record<"query" | "exec" | "close", unknown>> | undefined;
  return (
    isFunction(candidate?.query) && isFunction(candidate?.exec) && isFunction(candidate?.close)
  );
}

const optionsSchema = z.strictObject({
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,49}$/, "must be a lower-case identifier of at most 50 characters")
    .optional(),
  pollingIntervalSeconds: z.number().min(0.5).max(3600).default(2),
  stopTimeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
  onError: callableSchema<(error: unknown) => void>().optional(),
  bossOptions: z.record(z.string(), z.unknown()).optional(),
  queues: z.array(queueNameSchema).max(1_000).default([]),
});

const sourceSchema = z.union([
  z.custom<PgBossLike>(isPgBoss),
  z.object({ connectionString: z.string().min(1) }),
  z.object({
    db: z.custom<PgBossDb | PgliteForBoss>(
      (db) => isBossDb(db) || isPglite(db),
      "must be a pg-boss Db ({ executeSql }) or a PGlite instance",
    ),
  }),
]);

const defaultOnError = (error: unknown) => {
  console.error("[@lunas/core] pg-boss background error:", error);
};

/**
 * `JobQueue` on pg-boss 10 (PostgreSQL, Supabase's database or PGlite).
 *
 * Singleton keys: pg-boss 10 only rejects a duplicate `singletonKey` on
 * `short`/`stately` queues or with `singletonSeconds`. Every queue is created
 * on first use with policy `short` (a unique index over name and key among
 * jobs in state `created`), which is exactly the port's promise: a duplicate
 * is refused while the first job waits for its first run. `stately` would
 * also block while a job runs, but its fetch fails on a busy key and stalls the
 * whole queue; `singletonSeconds` is a time window, not "while queued". A
 * `short` queue treats a missing key as the empty key, so an unkeyed job is
 * sent with its own id as key and never blocks another.
 *
 * Retries: `retryLimit`, `retryDelaySeconds` (pg-boss `retryDelay`) and
 * `retryBackoff` go to every job with the port's defaults (3, 5, true);
 * `startAfter` as an exact time. A handler that throws fails the job and
 * pg-boss retries it; pg-boss fails an attempt that runs past `expireIn`.
 */
export class PgBossJobQueue implements JobQueue {
  readonly #boss: PgBoss;
  readonly #owned: boolean;
  readonly #pgliteDb: PgliteBossDb | undefined;
  readonly #pollingIntervalSeconds: number;
  readonly #stopTimeoutMs: number;
  readonly #onBossError: (error: unknown) => void;
  readonly #queues = new Map<string, Promise<void>>();
  readonly #declaredQueues: readonly string[];
  readonly #createdQueues = new Set<string>();
  readonly #workers = new Map<string, string>();
  readonly #inFlight = new Set<Promise<void>>();
  #running = false;
  #startError: unknown;

  constructor(source: PgBossJobQueueSource, options: PgBossJobQueueOptions = {}) {
    const parsedSource = parseInput(sourceSchema, source, "PgBossJobQueue source");
    const opts = parseInput(optionsSchema, options, "PgBossJobQueue options");
    this.#pollingIntervalSeconds = opts.pollingIntervalSeconds;
    this.#stopTimeoutMs = opts.stopTimeoutMs;
    this.#declaredQueues = opts.queues;
    const onError = opts.onError ?? defaultOnError;
    this.#onBossError = (error) => {
      try {
        onError(error);
      } catch {
        // A failing error callback must not turn into an unhandled 'error' event.
      }
    };

    if (isPgBoss(parsedSource)) {
      if (opts.schema !== undefined || opts.bossOptions !== undefined) {
        throw new InvalidArgumentError("Invalid PgBossJobQueue options", [
          "schema/bossOptions: configure them on the PgBoss instance you pass",
        ]);
      }
      // The public type is structural so the declarations need no pg-boss types;
      // what passed isPgBoss is a pg-boss instance, used through its full API.
      this.#boss = parsedSource as unknown as PgBoss;
      this.#owned = false;
    } else {
      const base = {
        schedule: false,
        ...(options.bossOptions ?? {}),
        pollingIntervalSeconds: opts.pollingIntervalSeconds,
        ...(opts.schema === undefined ? {} : { schema: opts.schema }),
      };
      if ("connectionString" in parsedSource) {
        this.#boss = new PgBossClass({
          ...POOL_TIMEOUTS,
          ...base,
          connectionString: parsedSource.connectionString,
        });
      } else {
        const db = parsedSource.db;
        this.#pgliteDb = isBossDb(db) ? undefined : createPgliteBossDb(db);
        this.#boss = new PgBossClass({ ...base, db: this.#pgliteDb ?? (db as PgBoss.Db) });
      }
      this.#owned = true;
    }
    this.#boss.on("error", this.#onBossError);
  }

  /** The pg-boss instance, for what the port does not cover (job state, queue sizes). */
  get boss(): PgBossLike {
    return this.#boss;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    if (!this.#owned && this.#boss.listeners("error").indexOf(this.#onBossError) < 0) {
      this.#boss.on("error", this.#onBossError);
    }
    if (this.#startError !== undefined) throw new JobQueueStartError(this.#startError);
    try {
      await this.#boss.start();
      for (const queue of this.#declaredQueues) await this.#ensureQueue(queue);
    } catch (error) {
      this.#startError = error;
      throw new JobQueueStartError(error);
    }
    this.#running = true;
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    for (const [name, id] of this.#workers) {
      // pg-boss 11+ wants the queue's name beside the worker's id.
      if (pgBoss11OrLater) await (this.#boss.offWork as OffWorkByName)(name, { id });
      else await this.#boss.offWork({ id });
    }
    this.#workers.clear();
    await this.#waitForHandlers();
    if (this.#owned) {
      await this.#boss.stop({ graceful: true, wait: true, timeout: this.#stopTimeoutMs });
      await this.#pgliteDb?.idle();
    } else {
      this.#boss.off("error", this.#onBossError);
    }
  }

  async enqueue<T>(name: string, data: T, options?: EnqueueOptions): Promise<string | null> {
    const input = parseEnqueueInput(name, data, options);
    if (!this.#running) throw new JobQueueNotRunningError("enqueue");
    if (
      input.options.transaction !== undefined &&
      this.#pgliteDb !== undefined &&
      !this.#createdQueues.has(input.name)
    ) {
      // Creating it now would wait for the connection the caller's transaction holds, forever.
      throw new JobQueueTransactionUnsupportedError(
        `PgBossJobQueue on PGlite (queue "${input.name}" is not created yet; list it in the queues option)`,
      );
    }
    await this.#ensureQueue(input.name);
    const { singletonKey, retryLimit, retryDelaySeconds, retryBackoff, startAfter, transaction } =
      input.options;
    const ownId = singletonKey === undefined ? globalThis.crypto.randomUUID() : undefined;
    const sendOptions: PgBoss.SendOptions = {
      retryLimit,
      retryDelay: retryDelaySeconds,
      retryBackoff,
      ...(ownId === undefined ? { singletonKey } : { id: ownId, singletonKey: ownId }),
      ...(startAfter === undefined ? {} : { startAfter }),
      // pg-boss runs its insert on the caller's transaction, so the job commits with it.
      ...(transaction === undefined
        ? {}
        : {
            db: {
              executeSql: async (text: string, values: unknown[]) =>
                transaction.query(text, values),
            },
          }),
    };
    // pg-boss 10 binds data as is: sent as JSON text, pg and PGlite both parse
    // it into jsonb, whereas a bare string or array value would be rejected or
    // turned into a PG array. pg-boss 11+ serialises data itself, so it gets
    // the value (as the JSON text describes it, e.g. undefined as null).
    const payload = pgBoss11OrLater ? JSON.parse(input.dataJson) : input.dataJson;
    const id = await this.#boss.send(input.name, payload as object, sendOptions);
    const workerId = this.#workers.get(input.name);
    if (
      id !== null &&
      workerId !== undefined &&
      (startAfter === undefined || startAfter.getTime() <= Date.now())
    ) {
      // A worker in this process picks the job up now instead of at its next poll.
      this.#boss.notifyWorker(workerId);
    }
    return id;
  }

  async work<T>(name: string, handler: JobHandler<T>): Promise<void> {
    const queue = parseQueueName(name);
    parseInput(callableSchema<JobHandler<T>>(), handler, "job handler");
    if (!this.#running) throw new JobQueueNotRunningError("work");
    if (this.#workers.has(queue)) throw new WorkerAlreadyRegisteredError(queue);
    await this.#ensureQueue(queue);
    let workerId: string | undefined;
    workerId = await this.#boss.work<T>(
      queue,
      { pollingIntervalSeconds: this.#pollingIntervalSeconds, batchSize: 1 },
      async (jobs) => {
        try {
          // pg-boss hands over arrays; with batchSize 1 a throw fails exactly this job.
          for (const job of jobs) {
            await this.#track(handler({ id: job.id, name: job.name, data: job.data }));
          }
        } finally {
          // pg-boss 10 waits a full polling interval after every batch, even when
          // more jobs are due; a notified worker fetches again at once instead
          // (and sleeps normally once a fetch comes back empty).
          if (workerId !== undefined && this.#running) this.#boss.notifyWorker(workerId);
        }
      },
    );
    this.#workers.set(queue, workerId);
  }

  #ensureQueue(name: string): Promise<void> {
    let ready = this.#queues.get(name);
    if (!ready) {
      ready = this.#createQueue(name);
      this.#queues.set(name, ready);
      ready.catch(() => this.#queues.delete(name));
    }
    return ready;
  }

  async #createQueue(name: string): Promise<void> {
    // Instances creating queues at the same moment on a fresh database can
    // deadlock inside pg-boss's create_queue (each also creates the queue's
    // partition table); PostgreSQL aborts one of them, the other commits, and
    // the victim's next attempt finds the queue or creates it alone.
    await retry(() => this.#boss.createQueue(name, { name, policy: "short" }), {
      maxAttempts: 8,
      baseDelayMs: 20,
      maxDelayMs: 500,
      retryable: isDeadlock,
    });
    const queue = await this.#boss.getQueue(name);
    if (queue?.policy !== "short") throw new JobQueuePolicyError(name, queue?.policy);
    this.#createdQueues.add(name);
  }

  #track(run: Promise<void>): Promise<void> {
    this.#inFlight.add(run);
    const forget = () => this.#inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  async #waitForHandlers(): Promise<void> {
    if (this.#inFlight.size === 0) return;
    const controller = new AbortController();
    try {
      await Promise.race([
        Promise.allSettled([...this.#inFlight]),
        realSleep(this.#stopTimeoutMs, controller.signal),
      ]);
    } finally {
      controller.abort();
    }
  }
}

/** PostgreSQL's deadlock_detected: the transaction was chosen as the victim and rolled back. */
function isDeadlock(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "40P01";
}
