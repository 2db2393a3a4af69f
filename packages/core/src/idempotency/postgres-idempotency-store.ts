import { z } from "zod";
import { LunasError } from "../errors/lunas-error.js";
import { parseInput } from "../errors/parse-input.js";
import { sqlExecutorSchema } from "../input/injected-schemas.js";
import { toSqlTimestamp } from "../input/sql-timestamp.js";
import type { SqlExecutor } from "../sql/executor.js";
import { qualifiedName } from "../sql/identifier.js";
import { claimOutcomeOf } from "./claim-answer.js";
import type {
  ClaimOutcome,
  ClaimRequest,
  IdempotencyRecord,
  IdempotencyStore,
} from "./idempotency-store.js";

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

const COLUMNS =
  "key, fingerprint, status, holder, lease_expires_at, expires_at, result::text as result_json";

function toMillis(value: Date | string): number {
  return value instanceof Date ? value.getTime() : Date.parse(value);
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
 *
 * Claim, complete and release call migration 0002's functions (one round trip
 * each), the same ones `SupabaseIdempotencyStore` calls over PostgREST, so the
 * claim is written once, in SQL. Complete and release decide by holder and
 * status alone, so they need no `now`.
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  readonly #executor: SqlExecutor;
  readonly #table: string;
  readonly #tableName: string;
  readonly #function: (name: string) => string;

  constructor(executor: SqlExecutor, options: PostgresIdempotencyStoreOptions = {}) {
    const { options: parsed } = parseInput(
      argumentsSchema,
      { executor, options },
      "PostgresIdempotencyStore arguments",
    );
    const schema = parsed.schema ?? "public";
    this.#executor = executor;
    this.#tableName = parsed.table ?? "lunas_idempotency";
    this.#table = qualifiedName(schema, this.#tableName);
    // The functions live beside the table (where migrateCore ran) and find it
    // through the search_path pinned at migration time.
    this.#function = (name) => qualifiedName(schema, name);
  }

  async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    let answer: unknown;
    try {
      const { rows } = await this.#executor.query<{ answer: unknown }>(
        `select ${this.#function("lunas_idempotency_claim")}($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7::timestamptz) as answer`,
        [
          this.#tableName,
          request.key,
          request.fingerprint,
          request.holder,
          toSqlTimestamp(request.now),
          toSqlTimestamp(request.leaseExpiresAt),
          toSqlTimestamp(request.expiresAt),
        ],
      );
      answer = rows[0]?.answer;
    } catch (error) {
      // The function gives up (serialization_failure) when the row kept vanishing under it.
      if ((error as { code?: unknown } | null)?.code === "40001") {
        throw new LunasError(
          "IDEMPOTENCY_CLAIM_CONTENDED",
          `Idempotency key ${JSON.stringify(request.key)} kept changing while being claimed; retry the delivery`,
          { cause: error },
        );
      }
      throw error;
    }
    const outcome = claimOutcomeOf(typeof answer === "string" ? JSON.parse(answer) : answer);
    if (!outcome) {
      throw new LunasError(
        "IDEMPOTENCY_STORE_FAILED",
        "lunas_idempotency_claim answered an unexpected shape; run migrateCore to bring the functions up to date",
      );
    }
    return outcome;
  }

  async complete(
    key: string,
    holder: string,
    result: unknown,
    expiresAt: number,
    // Decided by holder and status alone: the caller\'s clock is not needed here.
    _now?: number,
  ): Promise<boolean> {
    const { rows } = await this.#executor.query<{ completed: boolean }>(
      `select ${this.#function("lunas_idempotency_complete")}($1, $2, $3, $4::jsonb, $5, $6::timestamptz) as completed`,
      [
        this.#tableName,
        key,
        holder,
        result === undefined ? null : JSON.stringify(result),
        result !== undefined,
        toSqlTimestamp(expiresAt),
      ],
    );
    return rows[0]?.completed === true;
  }

  async release(key: string, holder: string, _now?: number): Promise<void> {
    await this.#executor.query(
      `select ${this.#function("lunas_idempotency_release")}($1, $2, $3)`,
      [this.#tableName, key, holder],
    );
  }

  async get(key: string): Promise<IdempotencyRecord | null> {
    const { rows } = await this.#executor.query<RecordRow>(
      `select ${COLUMNS} from ${this.#table} where key = $1`,
      [key],
    );
    const row = rows[0];
    return row ? toRecord(row) : null;
  }

  async purgeExpired(now: number): Promise<number> {
    const { rowCount } = await this.#executor.query(
      `delete from ${this.#table} where expires_at < $1::timestamptz`,
      [toSqlTimestamp(now)],
    );
    return rowCount;
  }
}
