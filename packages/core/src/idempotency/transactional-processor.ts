import { z } from "zod";
import { LunasError } from "../errors/lunas-error.js";
import { parseInput } from "../errors/parse-input.js";
import { callableSchema, clockSchema, sqlExecutorSchema } from "../input/injected-schemas.js";
import { type OutboxJob, outboxJobSchema } from "../jobs/outbox-job.js";
import type { SqlExecutor } from "../sql/executor.js";
import { qualifiedName } from "../sql/identifier.js";
import { type Clock, systemClock } from "../time/clock.js";
import { fingerprintPayload } from "./fingerprint-payload.js";
import {
  IdempotencyInProgressError,
  IdempotencyPayloadMismatchError,
} from "./idempotency-errors.js";
import { checkIdempotencyKey } from "./idempotency-key.js";
import { readHolder, readNowMs } from "./injected-readings.js";
import { storedForm, storedJson } from "./stored-result.js";

export interface TransactionalProcessorOptions {
  /** A `pg` pool or PGlite executor on the database where `migrateCore` ran. */
  executor: SqlExecutor;
  /** Schema holding `lunas_idempotency` (shared with the lease path) and `lunas_outbox`. Default `public`. */
  schema?: string;
  /** Recorded on the claim; a lease-path processor sharing the table honours it. Default 60 s. */
  leaseMs?: number;
  /** How long a completed result is replayed. Default 7 days. */
  retentionMs?: number;
  clock?: Clock;
  /** Names each run's claim. Default `crypto.randomUUID()` per run. */
  holderId?: () => string;
}

/** The statement `runStatement` runs inside the claim: `$1` is `args` as jsonb. */
export interface IngestStatement {
  /**
   * One SQL statement answering one `jsonb` value (a `returning to_jsonb(...)`,
   * or a `select` over a data-modifying CTE) or no row; the value becomes the
   * key's stored result. It runs with the search path of the schema `migrateCore`
   * ran in: qualify tables that live elsewhere.
   */
  sql: string;
  /** Passed as `$1::jsonb` (JSON-serialisable). Default `null`. */
  args?: unknown;
  /** Jobs queued in the same transaction, through the outbox (see `createOutboxRelay`). */
  jobs?: readonly OutboxJob[];
}

export interface TransactionalProcessor {
  /**
   * Runs `handler` once per `key` inside one database transaction: the claim,
   * everything `handler` does through `tx`, and the completion commit together
   * or not at all. A crash or a throw before the commit leaves nothing, so the
   * redelivery runs it again; a concurrent delivery of the same key waits for
   * this transaction and then replays its result (it never runs `handler`).
   * Replays of a completed key cost one read and write nothing. Effects outside
   * the database (HTTP calls, messages) belong on the lease path
   * (`createIdempotentProcessor`), which can find them again after a crash.
   */
  run<T>(
    key: string,
    payload: unknown,
    handler: (tx: SqlExecutor) => Promise<T>,
  ): Promise<{ result: T; replayed: boolean }>;
  /**
   * The same guarantee in one round trip: claim, `statement`, its jobs and the
   * completion run inside one SQL function call. The fastest path for an effect
   * that one statement can express (an upsert with its links, say).
   */
  runStatement<T = unknown>(
    key: string,
    payload: unknown,
    statement: IngestStatement,
  ): Promise<{ result: T; replayed: boolean }>;
}

/** The ingest function answered a shape this version does not know: the database's functions are older or newer. */
export class TransactionalProcessorError extends LunasError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("TRANSACTIONAL_PROCESSOR_FAILED", message, options);
  }
}

const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

const optionsSchema = z
  .strictObject({
    executor: sqlExecutorSchema,
    schema: z.string().default("public"),
    leaseMs: z.number().int().positive().default(DEFAULT_LEASE_MS),
    retentionMs: z.number().int().positive().default(DEFAULT_RETENTION_MS),
    clock: clockSchema.default(systemClock),
    holderId: callableSchema<() => string>().default(() => () => crypto.randomUUID()),
  })
  .refine((options) => options.retentionMs >= options.leaseMs, {
    message: "must be at least leaseMs",
    path: ["retentionMs"],
  });

const statementSchema = z.strictObject({
  sql: z.string().min(1),
  args: z.unknown().optional(),
  jobs: z.array(outboxJobSchema).max(1_000).optional(),
});

interface RecordRow {
  fingerprint: string;
  status: "in_progress" | "completed";
  lease_expires_at: Date | string;
  expires_at: Date | string;
  result_json: string | null;
}

const answerSchema = z.discriminatedUnion("outcome", [
  z.object({ outcome: z.literal("completed"), result: z.unknown().optional() }),
  z.object({ outcome: z.literal("replayed"), result: z.unknown().optional() }),
  z.object({ outcome: z.literal("in_progress"), lease_expires_at: z.number() }),
  z.object({ outcome: z.literal("mismatch") }),
]);

function toMillis(value: Date | string): number {
  return value instanceof Date ? value.getTime() : Date.parse(value);
}

function inProgress(key: string, leaseExpiresAt: number, now: number): IdempotencyInProgressError {
  return new IdempotencyInProgressError(key, Math.max(1, Math.ceil((leaseExpiresAt - now) / 1000)));
}

/** What a record says to a new delivery: nothing (dead, take it over), or an answer. */
type Verdict<T> =
  | { kind: "dead" }
  | { kind: "replay"; result: T }
  | { kind: "busy"; leaseExpiresAt: number }
  | { kind: "mismatch" };

function judge<T>(row: RecordRow, fingerprint: string, now: number): Verdict<T> {
  const expiresAt = toMillis(row.expires_at);
  const leaseExpiresAt = toMillis(row.lease_expires_at);
  const live = expiresAt >= now && (row.status === "completed" || leaseExpiresAt >= now);
  if (!live) return { kind: "dead" };
  if (row.fingerprint !== fingerprint) return { kind: "mismatch" };
  if (row.status === "in_progress") return { kind: "busy", leaseExpiresAt };
  const result = row.result_json === null ? undefined : (JSON.parse(row.result_json) as T);
  return { kind: "replay", result: result as T };
}

/**
 * Exactly-once effects inside PostgreSQL or PGlite: the claim and the effect
 * share one transaction (see `TransactionalProcessor`). Records live in the
 * lease path's table with the same states, so both processors can serve one
 * set of keys.
 */
export function createTransactionalProcessor(
  options: TransactionalProcessorOptions,
): TransactionalProcessor {
  const { executor, schema, leaseMs, retentionMs, clock, holderId } = parseInput(
    optionsSchema,
    options,
    "transactional processor options",
  );
  // The lease path's table, so both processors serve one set of keys.
  const qualifiedTable = qualifiedName(schema, "lunas_idempotency");
  const ingestFunction = qualifiedName(schema, "lunas_idempotent_ingest");
  const columns = "fingerprint, status, lease_expires_at, expires_at, result::text as result_json";

  const settle = <T>(key: string, verdict: Verdict<T>, now: number) => {
    if (verdict.kind === "mismatch") throw new IdempotencyPayloadMismatchError(key);
    if (verdict.kind === "busy") throw inProgress(key, verdict.leaseExpiresAt, now);
    if (verdict.kind === "replay") return { result: verdict.result, replayed: true };
    return null;
  };

  return {
    async run<T>(key: string, payload: unknown, handler: (tx: SqlExecutor) => Promise<T>) {
      checkIdempotencyKey(key);
      parseInput(callableSchema(), handler, "transactional handler");
      const fingerprint = await fingerprintPayload(payload);
      const now = readNowMs(clock);

      // Replays are the common case under redelivery: one read, no transaction, no write.
      const { rows: before } = await executor.query<RecordRow>(
        `select ${columns} from ${qualifiedTable} where key = $1`,
        [key],
      );
      if (before[0]) {
        const early = settle<T>(key, judge<T>(before[0], fingerprint, now), now);
        if (early) return early;
      }

      const holder = readHolder(holderId);
      return executor.transaction(async (tx) => {
        // ON CONFLICT waits for a concurrent transaction holding the same key,
        // so a duplicate queues here and then finds that delivery's result.
        const claimed = await tx.query(
          `insert into ${qualifiedTable} (key, fingerprint, status, holder, lease_expires_at, expires_at, result)
           values ($1, $2, 'in_progress', $3, $4::timestamptz, $5::timestamptz, null)
           on conflict (key) do nothing
           returning key`,
          [key, fingerprint, holder, new Date(now + leaseMs), new Date(now + retentionMs)],
        );
        if (claimed.rowCount === 0) {
          const { rows } = await tx.query<RecordRow>(
            `select ${columns} from ${qualifiedTable} where key = $1 for update`,
            [key],
          );
          const verdict: Verdict<T> = rows[0]
            ? judge<T>(rows[0], fingerprint, now)
            : { kind: "dead" };
          const answer = settle<T>(key, verdict, now);
          if (answer) return answer;
          // Dead (expired, or a lease-path holder that crashed): ours now; the row lock holds it.
          await tx.query(
            `insert into ${qualifiedTable} (key, fingerprint, status, holder, lease_expires_at, expires_at, result)
             values ($1, $2, 'in_progress', $3, $4::timestamptz, $5::timestamptz, null)
             on conflict (key) do update set fingerprint = excluded.fingerprint, status = excluded.status,
               holder = excluded.holder, lease_expires_at = excluded.lease_expires_at,
               expires_at = excluded.expires_at, result = null`,
            [key, fingerprint, holder, new Date(now + leaseMs), new Date(now + retentionMs)],
          );
        }
        const stored = storedForm(key, await handler(tx));
        await tx.query(
          `update ${qualifiedTable} set status = 'completed', result = $2::jsonb where key = $1`,
          [key, stored === undefined ? null : JSON.stringify(stored)],
        );
        return { result: stored as T, replayed: false };
      });
    },

    async runStatement<T>(key: string, payload: unknown, statement: IngestStatement) {
      checkIdempotencyKey(key);
      const { sql, args, jobs } = parseInput(statementSchema, statement, "ingest statement");
      const fingerprint = await fingerprintPayload(payload);
      const argsJson = storedJson(key, args ?? null);
      const now = readNowMs(clock);
      const { rows } = await executor.query<{ answer: unknown }>(
        `select ${ingestFunction}($1, $2, $3, $4::timestamptz, $5::timestamptz, $6::timestamptz, $7, $8::jsonb, $9::jsonb) as answer`,
        [
          key,
          fingerprint,
          readHolder(holderId),
          new Date(now),
          new Date(now + leaseMs),
          new Date(now + retentionMs),
          sql,
          argsJson,
          JSON.stringify(jobs ?? []),
        ],
      );
      const raw = rows[0]?.answer;
      const parsed = answerSchema.safeParse(typeof raw === "string" ? JSON.parse(raw) : raw);
      if (!parsed.success) {
        throw new TransactionalProcessorError(
          "lunas_idempotent_ingest answered an unexpected shape; run migrateCore to bring the functions up to date",
        );
      }
      const answer = parsed.data;
      if (answer.outcome === "mismatch") throw new IdempotencyPayloadMismatchError(key);
      if (answer.outcome === "in_progress") throw inProgress(key, answer.lease_expires_at, now);
      const result = (answer.result ?? undefined) as T;
      return { result, replayed: answer.outcome === "replayed" };
    },
  };
}
