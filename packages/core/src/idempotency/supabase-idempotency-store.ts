import { z } from "zod";
import { LunasError } from "../errors/lunas-error.js";
import { parseInput } from "../errors/parse-input.js";
import { portSchema } from "../input/injected-schemas.js";
import { toSqlTimestamp } from "../input/sql-timestamp.js";
import type { SupabaseClientLike } from "../sql/supabase-client-like.js";
import { claimOutcomeOf } from "./claim-answer.js";
import type {
  ClaimOutcome,
  ClaimRequest,
  IdempotencyRecord,
  IdempotencyStore,
} from "./idempotency-store.js";

export interface SupabaseIdempotencyStoreOptions {
  /** Default `lunas_idempotency`, as created by migration 0002. */
  table?: string;
  /** RPC functions from migration 0002 (or your own with the same arguments). */
  claimFunction?: string;
  completeFunction?: string;
  releaseFunction?: string;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
}

/** A Supabase request failed; `code` stays stable, the PostgREST code is in the message. */
export class SupabaseIdempotencyStoreError extends LunasError {
  constructor(what: string, detail: { code?: string; message?: string }) {
    super(
      "IDEMPOTENCY_STORE_FAILED",
      `Supabase idempotency store could not ${what}: ${detail.code ?? "no code"} ${detail.message ?? ""}`.trim(),
    );
  }
}

const rowSchema = z.object({
  key: z.string(),
  fingerprint: z.string(),
  status: z.enum(["in_progress", "completed"]),
  holder: z.string(),
  lease_expires_at: z.string(),
  expires_at: z.string(),
  result_json: z.string().nullable(),
});

const SELECT_RECORD =
  "key,fingerprint,status,holder,lease_expires_at,expires_at,result_json:result::text";

// Names reach PostgREST's URL and the RPC's %I quoting; plain identifiers only.
const identifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier");

const argumentsSchema = z.object({
  client: portSchema<SupabaseClientLike>("SupabaseClient", ["rpc", "from"]),
  options: z.strictObject({
    table: identifier.optional(),
    claimFunction: identifier.optional(),
    completeFunction: identifier.optional(),
    releaseFunction: identifier.optional(),
    timeoutMs: z.number().int().positive().max(600_000).optional(),
  }),
});

/**
 * `IdempotencyStore` through supabase-js (PostgREST), for runtimes without a
 * database connection (Edge Functions). Claim, complete and release are the
 * RPC functions of migration 0002 (the same functions `PostgresIdempotencyStore`
 * calls), so each stays one atomic statement; use a
 * service-role client (the table has RLS on and no policies).
 */
export class SupabaseIdempotencyStore implements IdempotencyStore {
  readonly #client: SupabaseClientLike;
  readonly #table: string;
  readonly #claimFunction: string;
  readonly #completeFunction: string;
  readonly #releaseFunction: string;
  readonly #timeoutMs: number;

  constructor(client: SupabaseClientLike, options: SupabaseIdempotencyStoreOptions = {}) {
    const parsed = parseInput(
      argumentsSchema,
      { client, options },
      "SupabaseIdempotencyStore arguments",
    );
    this.#client = client;
    this.#table = parsed.options.table ?? "lunas_idempotency";
    this.#claimFunction = parsed.options.claimFunction ?? "lunas_idempotency_claim";
    this.#completeFunction = parsed.options.completeFunction ?? "lunas_idempotency_complete";
    this.#releaseFunction = parsed.options.releaseFunction ?? "lunas_idempotency_release";
    this.#timeoutMs = parsed.options.timeoutMs ?? 10_000;
  }

  async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    const { data, error } = await this.#client
      .rpc(this.#claimFunction, {
        p_table: this.#table,
        p_key: request.key,
        p_fingerprint: request.fingerprint,
        p_holder: request.holder,
        p_now: toSqlTimestamp(request.now),
        p_lease_expires_at: toSqlTimestamp(request.leaseExpiresAt),
        p_expires_at: toSqlTimestamp(request.expiresAt),
      })
      .abortSignal(AbortSignal.timeout(this.#timeoutMs));
    if (error) throw new SupabaseIdempotencyStoreError("claim a key", error);
    const outcome = claimOutcomeOf(data);
    if (!outcome) {
      throw new SupabaseIdempotencyStoreError("claim a key", {
        message: `unexpected answer from ${this.#claimFunction}`,
      });
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
    const { data, error } = await this.#client
      .rpc(this.#completeFunction, {
        p_table: this.#table,
        p_key: key,
        p_holder: holder,
        p_result: result === undefined ? null : result,
        p_has_result: result !== undefined,
        p_expires_at: toSqlTimestamp(expiresAt),
      })
      .abortSignal(AbortSignal.timeout(this.#timeoutMs));
    if (error) throw new SupabaseIdempotencyStoreError("complete a key", error);
    return data === true;
  }

  async release(key: string, holder: string, _now?: number): Promise<void> {
    const { error } = await this.#client
      .rpc(this.#releaseFunction, { p_table: this.#table, p_key: key, p_holder: holder })
      .abortSignal(AbortSignal.timeout(this.#timeoutMs));
    if (error) throw new SupabaseIdempotencyStoreError("release a key", error);
  }

  async get(key: string): Promise<IdempotencyRecord | null> {
    const { data, error } = await this.#client
      .from(this.#table)
      .select(SELECT_RECORD)
      .filter("key", "eq", key)
      .abortSignal(AbortSignal.timeout(this.#timeoutMs))
      .maybeSingle();
    if (error) throw new SupabaseIdempotencyStoreError("read a key", error);
    if (data === null) return null;
    const parsed = rowSchema.safeParse(data);
    if (!parsed.success) {
      throw new SupabaseIdempotencyStoreError("read a key", {
        message: `unexpected row shape in ${this.#table}`,
      });
    }
    const row = parsed.data;
    const record: IdempotencyRecord = {
      key: row.key,
      fingerprint: row.fingerprint,
      status: row.status,
      holder: row.holder,
      leaseExpiresAt: Date.parse(row.lease_expires_at),
      expiresAt: Date.parse(row.expires_at),
    };
    if (row.result_json !== null) record.result = JSON.parse(row.result_json);
    return record;
  }

  async purgeExpired(now: number): Promise<number> {
    const { count, error } = await this.#client
      .from(this.#table)
      .delete({ count: "exact" })
      .filter("expires_at", "lt", toSqlTimestamp(now))
      .abortSignal(AbortSignal.timeout(this.#timeoutMs));
    if (error) throw new SupabaseIdempotencyStoreError("purge expired keys", error);
    return count ?? 0;
  }
}
