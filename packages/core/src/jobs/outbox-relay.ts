import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import { portSchema, sleepSchema, sqlExecutorSchema } from "../input/injected-schemas.js";
import type { SqlExecutor } from "../sql/executor.js";
import { qualifiedName } from "../sql/identifier.js";
import { realSleep, type Sleep } from "../time/clock.js";
import type { EnqueueOptions, JobQueue } from "./job-queue.js";
import { type OutboxJob, outboxJobSchema } from "./outbox-job.js";

const outboxTarget = z.strictObject({ schema: z.string().default("public") });

/**
 * Writes `job` to the outbox through `tx`, so it is queued exactly when `tx`
 * commits, whatever queue the relay feeds. One insert; the relay moves it.
 */
export async function enqueueInOutbox(
  tx: SqlExecutor,
  job: OutboxJob,
  options: { schema?: string } = {},
): Promise<void> {
  const executor = parseInput(sqlExecutorSchema, tx, "outbox transaction");
  const parsed = parseInput(outboxJobSchema, job, "outbox job");
  const { schema } = parseInput(outboxTarget, options, "outbox options");
  await executor.query(
    `insert into ${qualifiedName(schema, "lunas_outbox")} (queue, data, options) values ($1, $2::jsonb, $3::jsonb)`,
    [parsed.queue, JSON.stringify(parsed.data ?? null), JSON.stringify(parsed.options ?? {})],
  );
}

export interface OutboxRelayOptions {
  /** The database holding `lunas_outbox` (where `migrateCore` ran). */
  executor: SqlExecutor;
  /** Where the jobs go. */
  queue: JobQueue;
  schema?: string;
  /** Rows moved per transaction. Default 100. */
  batchSize?: number;
  /** How long `start()`'s loop waits when the outbox is empty. Default 1 000 ms. */
  idleMs?: number;
  /**
   * The queue is stored in the same database (`PgBossJobQueue` on it): each row is
   * deleted and its job enqueued in one transaction, exactly once. `false` for a
   * queue elsewhere (memory, another database): the job is enqueued, then the row
   * deleted, so a crash in between enqueues it again (at least once); a job
   * without a singleton key gets `outbox:<row id>` so the repeat is dropped while
   * the first still waits. Default `true`.
   */
  queueSharesDatabase?: boolean;
  sleep?: Sleep;
  /** A failed batch (the rows stay and are retried next round). Default: ignored. */
  onError?: (error: unknown) => void;
}

export interface OutboxRelay {
  /** Moves every row present now into the queue; resolves how many jobs it moved. */
  drain(): Promise<number>;
  /** Drains in a loop until `stop()`. */
  start(): void;
  /** Ends the loop after the batch in flight. */
  stop(): Promise<void>;
}

const relayOptionsSchema = z.strictObject({
  executor: sqlExecutorSchema,
  queue: portSchema<JobQueue>("JobQueue", ["enqueue", "start", "stop", "work"]),
  schema: z.string().default("public"),
  batchSize: z.number().int().min(1).max(10_000).default(100),
  idleMs: z.number().int().min(1).default(1_000),
  queueSharesDatabase: z.boolean().default(true),
  sleep: sleepSchema.default(() => realSleep),
  onError: z.custom<(error: unknown) => void>((v) => typeof v === "function").optional(),
});

interface OutboxRow {
  id: string | number;
  queue: string;
  data: unknown;
  options: OutboxJob["options"] | string;
}

function asEnqueueOptions(row: OutboxRow, extra: Partial<EnqueueOptions>): EnqueueOptions {
  const stored = (typeof row.options === "string" ? JSON.parse(row.options) : row.options) ?? {};
  const { startAfter, ...rest } = stored as NonNullable<OutboxJob["options"]>;
  return {
    ...rest,
    ...(startAfter === undefined ? {} : { startAfter: new Date(startAfter) }),
    ...extra,
  };
}

/** Moves jobs from `lunas_outbox` into a `JobQueue` in batches (see `OutboxRelayOptions`). */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const o = parseInput(relayOptionsSchema, options, "outbox relay options");
  const table = qualifiedName(o.schema, "lunas_outbox");
  // SKIP LOCKED: several relays (one per instance) share the outbox without waiting on each other.
  const takeBatch = `delete from ${table} where id in (
      select id from ${table} order by id limit $1 for update skip locked
    ) returning id, queue, data, options`;

  const moveBatch = (): Promise<number> =>
    o.executor.transaction(async (tx) => {
      const { rows } = await tx.query<OutboxRow>(takeBatch, [o.batchSize]);
      rows.sort((a, b) => Number(a.id) - Number(b.id));
      for (const row of rows) {
        const data = typeof row.data === "string" ? JSON.parse(row.data) : row.data;
        if (o.queueSharesDatabase) {
          await o.queue.enqueue(row.queue, data, asEnqueueOptions(row, { transaction: tx }));
        } else {
          const enqueueOptions = asEnqueueOptions(row, {});
          await o.queue.enqueue(row.queue, data, {
            ...enqueueOptions,
            singletonKey: enqueueOptions.singletonKey ?? `outbox:${row.id}`,
          });
        }
      }
      return rows.length;
    });

  let running = false;
  let loop: Promise<void> | undefined;
  let wake: AbortController | undefined;

  const drain = async () => {
    let moved = 0;
    for (;;) {
      const count = await moveBatch();
      moved += count;
      if (count < o.batchSize) return moved;
    }
  };

  return {
    drain,
    start() {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          try {
            await drain();
          } catch (error) {
            o.onError?.(error);
          }
          if (!running) break;
          wake = new AbortController();
          await o.sleep(o.idleMs, wake.signal).catch(() => {});
        }
      })();
    },
    async stop() {
      running = false;
      wake?.abort();
      await loop;
    },
  };
}
