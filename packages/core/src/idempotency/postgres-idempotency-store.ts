import { z } from "zod";
import { LunasError } from "../errors/lunas-error.js";
import { parseInput } from "../errors/parse-input.js";
import { sqlExecutorSchema } from "../input/injected-schemas.js";
import type { SqlExecutor } from "../sql/executor.js";
import { qualifiedName } from "../sql/identifier.js";
import type {
  ClaimOutcome,
  ClaimRequest,
  IdempotencyRecord,
  IdempotencyStore,
} from "./idempotency-store.js";
import {
  checkClaimRequest,
  checkEpochMs,
  checkHolder,
  checkResult,
  checkStoreKey,
} from "./idempotency-store-input.js";

export interface PostgresIdempotencyStoreOptions {
  /** Schema holding the table (where `migrateCore` ran). Default `public`. */
  schema?: string;
  /** Default `lunas_idempotency`, as created by migration 0002. */
  table?: string;
}

const argumentsSchema = z.object({
  executor: sqlExecutorSchema,
  // Strict: a misspelt `table` would quietly point the store at the default table.
  options: z.strictObject({ schema: z.string().optional(), table: z.string().optional() }),
});

interface RecordRow {
  key: string;
  fingerprint: string;
  status: "in_progress" | "completed";
  holder: string;
  lease_expires_at: Date | string;
  expires_at: Date | string;
  /** `result::text`: parsed here so SQL NULL (no result) and JSON null stay apart. */
  result_json: string | null;
}

/** Claims that keep finding a row that then vanishes give up after this many rounds. */
const CLAIM_ATTEMPTS = 5;

const COLUMNS =
  "key, fingerprint, status, holder, lease_expires_at, expires_at, result::text as result_json";

function toMillis(value: Date | string): number {
  return value instanceof Date ? value.getTime() : Date.parse(value);
}

function toTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

function toRecord(row: RecordRow): IdempotencyRecord {
  const record: IdempotencyRecord = {
    key: row.key,
    fingerprint: row.fingerprint,
    status: row.status,
    holder: row.holder,
    leaseExpiresAt: toMillis(row.lease_expires_at),
    expiresAt: toMillis(row.expires_at),
  };
  if (row.result_json !== null) record.result = JSON.parse(row.result_json);
  return record;
}

/**
 * `IdempotencyStore` over PostgreSQL (and Supabase's database) or PGlite, through
 * a `SqlExecutor`. Run `migrateCore` first. Every timestamp comes from the
 * caller's clock; the database's `now()` is never used.
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  readonly #executor: SqlExecutor;
  readonly #table: string;

  constructor(executor: SqlExecutor, options: PostgresIdempotencyStoreOptions = {}) {
    const { options: parsed } = parseInput(
      argumentsSchema,
      { executor, options },
      "PostgresIdempotencyStore arguments",
    );
    this.#executor = executor;
    this.#table = qualifiedName(parsed.schema ?? "public", parsed.table ?? "lunas_idempotency");
  }

  async claim(input: ClaimRequest): Promise<ClaimOutcome> {
    const request = checkClaimRequest(input);
    const now = toTimestamp(request.now);
    const leaseExpiresAt = toTimestamp(request.leaseExpiresAt);
    const expiresAt = toTimestamp(request.expiresAt);
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt += 1) {
      // One round trip for the common answers: a new key is inserted, a taken
      // key is read back. DO NOTHING (not DO UPDATE) so a replay or duplicate
      // neither locks the row nor writes WAL. Both branches see the statement's
      // snapshot: a row committed by a concurrent claim after it began is
      // invisible to the read, so neither branch answers and the next round reads it.
      const { rows } = await this.#executor.query<RecordRow & { inserted: boolean }>(
        `with won as (
           insert into ${this.#table}
             (key, fingerprint, status, holder, lease_expires_at, expires_at, result)
           values ($1, $2, 'in_progress', $3, $4::timestamptz, $5::timestamptz, null)
           on conflict (key) do nothing
           returning ${COLUMNS}
         )
         select true as inserted, * from won
         union all
         select false as inserted, ${COLUMNS} from ${this.#table}
         where key = $1 and not exists (select 1 from won)`,
        [request.key, request.fingerprint, request.holder, leaseExpiresAt, expiresAt],
      );
      const row = rows[0];
      if (!row) continue;
      const record = toRecord(row);
      if (row.inserted) return { status: "acquired", record };
      const takeover =
        record.expiresAt < request.now ||
        (record.status === "in_progress" &&
          (record.leaseExpiresAt < request.now || record.holder === request.holder));
      if (!takeover) return { status: record.status, record };

      // An expired record, a crashed holder's lease, or our own claim again:
      // take it over only if it is still in that state (another claim may win it first).
      const taken = await this.#executor.query<RecordRow>(
        `update ${this.#table} as r
           set fingerprint = $2, status = 'in_progress', holder = $3,
               lease_expires_at = $5::timestamptz, expires_at = $6::timestamptz, result = null
         where r.key = $1
           and (r.expires_at < $4::timestamptz
                or (r.status = 'in_progress'
                    and (r.lease_expires_at < $4::timestamptz or r.holder = $3)))
         returning ${COLUMNS}`,
        [request.key, request.fingerprint, request.holder, now, leaseExpiresAt, expiresAt],
      );
      const won = taken.rows[0];
      if (won) return { status: "acquired", record: toRecord(won) };
    }
    throw new LunasError(
      "IDEMPOTENCY_CLAIM_CONTENDED",
      `Idempotency key ${JSON.stringify(request.key)} kept changing while being claimed; retry the delivery`,
    );
  }

  async complete(
    key: string,
    holder: string,
    result: unknown,
    expiresAt: number,
  ): Promise<boolean> {
    checkStoreKey(key);
    checkHolder(holder);
    checkResult(result);
    checkEpochMs(expiresAt, "idempotency expiresAt");
    const { rowCount } = await this.#executor.query(
      `update ${this.#table}
         set status = 'completed', result = $3::jsonb, expires_at = $4::timestamptz
       where key = $1 and holder = $2 and status = 'in_progress'`,
      [key, holder, result === undefined ? null : JSON.stringify(result), toTimestamp(expiresAt)],
    );
    return rowCount === 1;
  }

  async release(key: string, holder: string): Promise<void> {
    checkStoreKey(key);
    checkHolder(holder);
    await this.#executor.query(
      `delete from ${this.#table} where key = $1 and holder = $2 and status = 'in_progress'`,
      [key, holder],
    );
  }

  async get(key: string): Promise<IdempotencyRecord | null> {
    checkStoreKey(key);
    const { rows } = await this.#executor.query<RecordRow>(
      `select ${COLUMNS} from ${this.#table} where key = $1`,
      [key],
    );
    const row = rows[0];
    return row ? toRecord(row) : null;
  }

  async purgeExpired(now: number): Promise<number> {
    checkEpochMs(now, "idempotency purge time");
    const { rowCount } = await this.#executor.query(
      `delete from ${this.#table} where expires_at < $1::timestamptz`,
      [toTimestamp(now)],
    );
    return rowCount;
  }
}
