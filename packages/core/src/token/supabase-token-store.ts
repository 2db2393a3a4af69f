import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import { clockSchema, portSchema } from "../input/injected-schemas.js";
import { fromSqlTimestamp, toSqlTimestamp } from "../input/sql-timestamp.js";
import { quoteIdentifier } from "../sql/identifier.js";
import type {
  PostgrestErrorLike,
  PostgrestQueryLike,
  PostgrestSchemaLike,
  SupabaseClientLike,
} from "../sql/supabase-client-like.js";
import { type Clock, systemClock } from "../time/clock.js";
import { TokenStoreError } from "./token-errors.js";
import {
  ACQUIRE_TOKEN_LEASE_FUNCTION,
  DELETE_TOKEN_IF_VALUE_FUNCTION,
} from "./token-sql-functions.js";
import type { StoredToken, TokenStore } from "./token-store.js";

export interface SupabaseTokenStoreOptions {
  /** Token table; its leases live in `<table>_leases`. Default `lunas_tokens`. */
  table?: string;
  /** Schema exposed through PostgREST that holds the tables. Default: the client's (`public`). */
  schema?: string;
  /** Decides whether a lease ran out (sent to the RPC, never `now()`). Default: the system clock. */
  clock?: Clock;
  /** Abort each HTTP request after this long. Default 10 s. */
  timeoutMs?: number;
}

const argumentsSchema = z.object({
  client: portSchema<SupabaseClientLike>("SupabaseClient", ["from", "rpc", "schema"]),
  // Strict: a misspelt `table` would quietly point the store at the default table.
  options: z.strictObject({
    table: z.string().optional(),
    schema: z.string().optional(),
    clock: clockSchema.optional(),
    timeoutMs: z.number().int().positive().max(600_000).optional(),
  }),
});

/**
 * `TokenStore` over supabase-js (PostgREST), for deployments that reach their
 * database only through Supabase's API. Use a service-role client: the tables
 * have row level security with no policies, so anon and authenticated keys see
 * nothing. Apply `@lunas/core`'s migrations first; leases and compare-and-delete
 * go through their functions `lunas_acquire_token_lease` and
 * `lunas_delete_token_if_value`, the same SQL `PostgresTokenStore` runs.
 */
export class SupabaseTokenStore implements TokenStore {
  readonly #client: SupabaseClientLike;
  readonly #table: string;
  readonly #schema: string | undefined;
  readonly #clock: Clock;
  readonly #timeoutMs: number;

  constructor(client: SupabaseClientLike, options: SupabaseTokenStoreOptions = {}) {
    const { options: parsed } = parseInput(
      argumentsSchema,
      { client, options },
      "SupabaseTokenStore arguments",
    );
    this.#table = parsed.table ?? "lunas_tokens";
    // Same identifier rules as the SQL adapter: the names reach SQL inside the RPC.
    quoteIdentifier(this.#table);
    quoteIdentifier(`${this.#table}_leases`);
    if (parsed.schema !== undefined) quoteIdentifier(parsed.schema);
    this.#schema = parsed.schema;
    this.#client = client;
    this.#clock = parsed.clock ?? systemClock;
    this.#timeoutMs = parsed.timeoutMs ?? 10_000;
  }

  #db(): PostgrestSchemaLike {
    return this.#schema === undefined ? this.#client : this.#client.schema(this.#schema);
  }

  #from(table: string): PostgrestQueryLike {
    return this.#db().from(table);
  }

  #fail(operation: string, error: PostgrestErrorLike): never {
    // PostgREST's `details` can quote row values (the token); only code and message go out.
    throw new TokenStoreError(
      `Supabase token store could not ${operation}: ${error.code ?? "no code"} ${error.message ?? ""}`.trim(),
      { cause: { code: error.code, message: error.message } },
    );
  }

  async get(key: string): Promise<StoredToken | null> {
    const { data, error } = await this.#from(this.#table)
      .select("value,expires_at")
      .filter("key", "eq", key)
      .abortSignal(AbortSignal.timeout(this.#timeoutMs));
    if (error) this.#fail("read a token", error);
    const row = (data as { value: string; expires_at: string }[] | null)?.[0];
    return row
      ? { value: row.value, expiresAt: fromSqlTimestamp(row.expires_at, "Token store") }
      : null;
  }

  async set(key: string, token: StoredToken): Promise<void> {
    const { value, expiresAt } = token;
    const { error } = await this.#from(this.#table)
      .upsert(
        {
          key: key,
          value,
          expires_at: toSqlTimestamp(expiresAt),
          updated_at: toSqlTimestamp(this.#clock.now()),
        },
        { onConflict: "key" },
      )
      .abortSignal(AbortSignal.timeout(this.#timeoutMs));
    if (error) this.#fail("store a token", error);
  }

  async delete(key: string): Promise<void> {
    const { error } = await this.#from(this.#table)
      .delete()
      .filter("key", "eq", key)
      .abortSignal(AbortSignal.timeout(this.#timeoutMs));
    if (error) this.#fail("delete a token", error);
  }

  async compareAndDelete(key: string, value: string): Promise<boolean> {
    // An RPC, not a filtered DELETE: the token travels in the body, never in a logged URL.
    const { data, error } = await this.#db()
      .rpc(DELETE_TOKEN_IF_VALUE_FUNCTION, {
        p_table: this.#table,
        p_key: key,
        p_value: value,
      })
      .abortSignal(AbortSignal.timeout(this.#timeoutMs));
    if (error) this.#fail("delete a rejected token", error);
    return data === true;
  }

  async acquireLease(key: string, holder: string, until: number): Promise<boolean> {
    const lease = { holder, until };
    const { data, error } = await this.#db()
      .rpc(ACQUIRE_TOKEN_LEASE_FUNCTION, {
        p_table: this.#table,
        p_key: key,
        p_holder: lease.holder,
        p_until: toSqlTimestamp(lease.until),
        p_now: toSqlTimestamp(this.#clock.now()),
      })
      .abortSignal(AbortSignal.timeout(this.#timeoutMs));
    if (error) this.#fail("acquire a lease", error);
    return data === true;
  }

  async releaseLease(key: string, holder: string): Promise<void> {
    const lease = { holder, until: 0 };
    // Both filters in one DELETE: only the holder's own lease can go.
    const { error } = await this.#from(`${this.#table}_leases`)
      .delete()
      .filter("key", "eq", key)
      .filter("holder", "eq", lease.holder)
      .abortSignal(AbortSignal.timeout(this.#timeoutMs));
    if (error) this.#fail("release a lease", error);
  }

  async deleteExpired(now: number): Promise<number> {
    const cutoff = toSqlTimestamp(now);
    const tokens = await this.#from(this.#table)
      .delete({ count: "exact" })
      .filter("expires_at", "lt", cutoff)
      .abortSignal(AbortSignal.timeout(this.#timeoutMs));
    if (tokens.error) this.#fail("delete expired tokens", tokens.error);
    const leases = await this.#from(`${this.#table}_leases`)
      .delete({ count: "exact" })
      .filter("lease_until", "lt", cutoff)
      .abortSignal(AbortSignal.timeout(this.#timeoutMs));
    if (leases.error) this.#fail("delete expired leases", leases.error);
    return (tokens.count ?? 0) + (leases.count ?? 0);
  }
}
