import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import { callableSchema, clockSchema, sleepSchema } from "../input/injected-schemas.js";
import { type Clock, realSleep, type Sleep, systemClock } from "../time/clock.js";
import { parseEnqueueInput, parseQueueName } from "./enqueue-input.js";
import type { EnqueueOptions, JobHandler, JobQueue } from "./job-queue.js";
import {
  JobHandlerTimeoutError,
  JobQueueNotRunningError,
  JobQueueTransactionUnsupportedError,
  WorkerAlreadyRegisteredError,
} from "./job-queue-errors.js";
import { jobRetryDelayMs } from "./job-retry-delay.js";

/** The states pg-boss uses, so tests read the same words on both adapters. */
export type MemoryJobState = "created" | "retry" | "active" | "completed" | "failed";

export interface MemoryJobSnapshot {
  id: string;
  name: string;
  data: unknown;
  state: MemoryJobState;
  singletonKey: string | null;
  /** Retries started so far (0 while the first attempt has not failed). */
  retryCount: number;
  retryLimit: number;
  /** Earliest time (clock ms) the next attempt may start. */
  startAfter: number;
  /** What the last failed attempt threw. */
  lastError?: unknown;
}

export interface MemoryJobQueueOptions {
  /** Decides when delayed jobs and retries are due. Default: the system clock. */
  clock?: Clock;
  /** Waits for the next due job; pass `ManualClock#sleep` together with the ManualClock. */
  sleep?: Sleep;
  /** Jitter source for retry backoff, in [0, 1). Default Math.random. */
  random?: () => number;
  /**
   * An attempt still running after this long fails (and is retried), like a
   * pg-boss job past its `expireIn`. Default 15 minutes (pg-boss's default).
   */
  handlerTimeoutMs?: number;
}

interface StoredJob {
  id: string;
  name: string;
  dataJson: string;
  state: MemoryJobState;
  singletonKey: string | null;
  retryLimit: number;
  retryCount: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  startAfter: number;
  started: boolean;
  seq: number;
  lastError?: unknown;
}

interface Worker {
  name: string;
  handler: JobHandler<unknown>;
  wake?: () => void;
  loop?: Promise<void>;
}

// setTimeout fires at once for delays above 2^31-1 ms; longer waits loop.
const MAX_TIMER_MS = 2 ** 31 - 1;
const DEFAULT_HANDLER_TIMEOUT_MS = 15 * 60 * 1000;

const optionsSchema = z.strictObject({
  clock: clockSchema.default(() => systemClock),
  sleep: sleepSchema.default(() => realSleep),
  random: callableSchema<() => number>().default(() => Math.random),
  handlerTimeoutMs: z.number().int().min(1).max(MAX_TIMER_MS).default(DEFAULT_HANDLER_TIMEOUT_MS),
});

/**
 * An in-process `JobQueue` for unit tests and single-process tools. Jobs live
 * in memory (they do not survive the process); everything else matches
 * `PgBossJobQueue`: the singleton key is free again once its job started,
 * retries follow pg-boss's backoff formula, startAfter delays, a handler
 * timeout fails the attempt. Time comes from the injected clock and sleep, so
 * with a `ManualClock` tests move time instead of waiting, and `drain()` waits
 * until nothing is left to do now.
 */
export class MemoryJobQueue implements JobQueue {
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #handlerTimeoutMs: number;
  readonly #jobs = new Map<string, StoredJob>();
  readonly #workers = new Map<string, Worker>();
  #idleWaiters: (() => void)[] = [];
  #running = false;
  #active = 0;
  #seq = 0;

  constructor(options: MemoryJobQueueOptions = {}) {
    const parsed = parseInput(optionsSchema, options, "MemoryJobQueue options");
    this.#clock = parsed.clock;
    this.#sleep = parsed.sleep;
    this.#random = parsed.random;
    this.#handlerTimeoutMs = parsed.handlerTimeoutMs;
  }

  async start(): Promise<void> {
    this.#running = true;
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    const workers = [...this.#workers.values()];
    for (const worker of workers) worker.wake?.();
    await Promise.all(workers.map((worker) => worker.loop));
    this.#workers.clear();
    this.#checkIdle();
  }

  async enqueue<T>(name: string, data: T, options?: EnqueueOptions): Promise<string | null> {
    const input = parseEnqueueInput(name, data, options);
    if (input.options.transaction !== undefined) {
      throw new JobQueueTransactionUnsupportedError("MemoryJobQueue");
    }
    if (!this.#running) throw new JobQueueNotRunningError("enqueue");
    const key = input.options.singletonKey ?? null;
    if (key !== null) {
      for (const job of this.#jobs.values()) {
        if (job.name === input.name && job.singletonKey === key && job.state === "created") {
          return null;
        }
      }
    }
    const id = globalThis.crypto.randomUUID();
    this.#jobs.set(id, {
      id,
      name: input.name,
      dataJson: input.dataJson,
      state: "created",
      singletonKey: key,
      retryLimit: input.options.retryLimit,
      retryCount: 0,
      retryDelaySeconds: input.options.retryDelaySeconds,
      retryBackoff: input.options.retryBackoff,
      startAfter: input.options.startAfter?.getTime() ?? this.#clock.now(),
      started: false,
      seq: this.#seq++,
    });
    this.#workers.get(input.name)?.wake?.();
    return id;
  }

  async work<T>(name: string, handler: JobHandler<T>): Promise<void> {
    const queue = parseQueueName(name);
    parseInput(callableSchema<JobHandler<T>>(), handler, "job handler");
    if (!this.#running) throw new JobQueueNotRunningError("work");
    if (this.#workers.has(queue)) throw new WorkerAlreadyRegisteredError(queue);
    const worker: Worker = { name: queue, handler: handler as JobHandler<unknown> };
    this.#workers.set(queue, worker);
    worker.loop = this.#runWorker(worker);
  }

  /**
   * Resolves once no handler runs and no job of a worked queue is due now.
   * Jobs waiting for a later time (retries, startAfter) do not count: move the
   * clock and drain again.
   */
  drain(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Every job this queue holds (optionally of one queue), oldest first. */
  listJobs(name?: string): MemoryJobSnapshot[] {
    return [...this.#jobs.values()]
      .filter((job) => name === undefined || job.name === name)
      .sort((a, b) => a.seq - b.seq)
      .map((job) => ({
        id: job.id,
        name: job.name,
        data: JSON.parse(job.dataJson) as unknown,
        state: job.state,
        singletonKey: job.singletonKey,
        retryCount: job.retryCount,
        retryLimit: job.retryLimit,
        startAfter: job.startAfter,
        ...(job.lastError === undefined ? {} : { lastError: job.lastError }),
      }));
  }

  async #runWorker(worker: Worker): Promise<void> {
    while (this.#running && this.#workers.get(worker.name) === worker) {
      const job = this.#nextDue(worker.name);
      if (job) {
        await this.#runJob(worker, job);
        continue;
      }
      this.#checkIdle();
      await this.#waitForWork(worker);
    }
  }

  #nextDue(name: string): StoredJob | undefined {
    const now = this.#clock.now();
    let next: StoredJob | undefined;
    for (const job of this.#jobs.values()) {
      if (job.name !== name || (job.state !== "created" && job.state !== "retry")) continue;
      if (job.startAfter > now) continue;
      if (
        !next ||
        job.startAfter < next.startAfter ||
        (job.startAfter === next.startAfter && job.seq < next.seq)
      ) {
        next = job;
      }
    }
    return next;
  }

  #waitForWork(worker: Worker): Promise<void> {
    let earliest: number | undefined;
    for (const job of this.#jobs.values()) {
      if (job.name !== worker.name || (job.state !== "created" && job.state !== "retry")) continue;
      if (earliest === undefined || job.startAfter < earliest) earliest = job.startAfter;
    }
    const controller = new AbortController();
    return new Promise<void>((resolve) => {
      worker.wake = resolve;
      if (earliest !== undefined) {
        const ms = Math.min(Math.max(earliest - this.#clock.now(), 0), MAX_TIMER_MS);
        this.#sleep(ms, controller.signal).then(resolve, resolve);
      }
    }).finally(() => {
      worker.wake = undefined;
      controller.abort();
    });
  }

  async #runJob(worker: Worker, job: StoredJob): Promise<void> {
    if (job.started) job.retryCount++;
    job.started = true;
    job.state = "active";
    this.#active++;
    try {
      await this.#withTimeout(
        worker.handler({ id: job.id, name: job.name, data: JSON.parse(job.dataJson) }),
      );
      job.state = "completed";
      delete job.lastError;
    } catch (error) {
      job.lastError = error;
      if (job.retryCount < job.retryLimit) {
        job.state = "retry";
        job.startAfter = this.#clock.now() + jobRetryDelayMs(job.retryCount + 1, job, this.#random);
      } else {
        job.state = "failed";
      }
    } finally {
      this.#active--;
      this.#checkIdle();
    }
  }

  async #withTimeout(attempt: Promise<void>): Promise<void> {
    const controller = new AbortController();
    const timeout = this.#sleep(this.#handlerTimeoutMs, controller.signal).then(() => {
      throw new JobHandlerTimeoutError(this.#handlerTimeoutMs);
    });
    // Aborting the timer rejects it; that rejection is expected and ignored.
    timeout.catch(() => {});
    try {
      await Promise.race([attempt, timeout]);
    } finally {
      controller.abort();
    }
  }

  #isIdle(): boolean {
    if (this.#active > 0) return false;
    if (!this.#running) return true;
    for (const name of this.#workers.keys()) {
      if (this.#nextDue(name)) return false;
    }
    return true;
  }

  #checkIdle(): void {
    if (this.#idleWaiters.length === 0 || !this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
