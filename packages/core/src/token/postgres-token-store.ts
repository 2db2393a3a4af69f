import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import { clockSchema, sqlExecutorSchema } from "../input/injected-schemas.js";
import { fromSqlTimestamp, toSqlTimestamp } from "../input/sql-timestamp.js";
import type { SqlExecutor } from "../sql/executor.js";
import { qualifiedName } from "../sql/identifier.js";
import { type Clock, systemClock } from "../time/clock.js";
import {
  ACQUIRE_TOKEN_LEASE_FUNCTION,
  DELETE_TOKEN_IF_VALUE_FUNCTION,
} from "./token-sql-functions.js";
import type { StoredToken, TokenStore } from "./token-store.js";

export interface PostgresTokenStoreOptions {
  /** Schema holding the tables and functions of `@lunas/core`'s migrations. Default `public`. */
  schema?: string;
  /** Token table; its leases live in `<table>_leases`. Default `lunas_tokens`. */
  table?: string;
  /** Decides whether a lease ran out (passed to SQL, never `now()`). Default: the system clock. */
  clock?: Clock;
}

const argumentsSchema = z.object({
  executor: sqlExecutorSchema,
  // Strict: a misspelt `table` would quietly point the store at the default table.
  options: z.strictObject({
    schema: z.string().optional(),
    table: z.string().optional(),
    clock: clockSchema.optional(),
  }),
});

/**
 * `TokenStore` on PostgreSQL or PGlite (any `SqlExecutor`). Leases and
 * compare-and-delete call the same SQL functions as `SupabaseTokenStore`
 * (migrations 0001 and 0003), so each rule is written once; a lease is one
 * conditional upsert, so concurrent processes cannot both win. Apply
 * `@lunas/core`'s migrations (`migrateCore`) to the schema first.
 */
export class PostgresTokenStore implements TokenStore {
  readonly #executor: SqlExecutor;
  readonly #tokens: string;
  readonly #leases: string;
  readonly #table: string;
  readonly #acquireLeaseFunction: string;
  readonly #compareAndDeleteFunction: string;
  readonly #clock: Clock;

  constructor(executor: SqlExecutor, options: PostgresTokenStoreOptions = {}) {
    const { options: parsed } = parseInput(
      argumentsSchema,
      { executor, options },
      "PostgresTokenStore arguments",
    );
    const schema = parsed.schema ?? "public";
    const table = parsed.table ?? "lunas_tokens";
    this.#executor = executor;
    this.#tokens = qualifiedName(schema, table);
    this.#leases = qualifiedName(schema, `${table}_leases`);
    this.#table = table;
    this.#acquireLeaseFunction = qualifiedName(schema, ACQUIRE_TOKEN_LEASE_FUNCTION);
    this.#compareAndDeleteFunction = qualifiedName(schema, DELETE_TOKEN_IF_VALUE_FUNCTION);
    this.#clock = parsed.clock ?? systemClock;
  }

  async get(key: string): Promise<StoredToken | null> {
    const { rows } = await this.#executor.query<{ value: string; expires_at: unknown }>(
      `select value, expires_at from ${this.#tokens} where key = $1`,
      [key],
    );
    const row = rows[0];
    return row
      ? { value: row.value, expiresAt: fromSqlTimestamp(row.expires_at, "Token store") }
      : null;
  }

  async set(key: string, token: StoredToken): Promise<void> {
    const { value, expiresAt } = token;
    await this.#executor.query(
      `insert into ${this.#tokens} (key, value, expires_at, updated_at)
       values ($1, $2, $3::timestamptz, $4::timestamptz)
       on conflict (key) do update
         set value = excluded.value, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
      [key, value, toSqlTimestamp(expiresAt), toSqlTimestamp(this.#clock.now())],
    );
  }

  async delete(key: string): Promise<void> {
    await this.#executor.query(`delete from ${this.#tokens} where key = $1`, [key]);
  }

  async compareAndDelete(key: string, value: string): Promise<boolean> {
    const { rows } = await this.#executor.query<{ removed: boolean }>(
      `select ${this.#compareAndDeleteFunction}($1, $2, $3) as removed`,
      [this.#table, key, value],
    );
    return rows[0]?.removed === true;
  }

  async acquireLease(key: string, holder: string, until: number): Promise<boolean> {
    const lease = { holder, until };
    const { rows } = await this.#executor.query<{ acquired: boolean }>(
      `select ${this.#acquireLeaseFunction}($1, $2, $3, $4::timestamptz, $5::timestamptz) as acquired`,
      [
        this.#table,
        key,
        lease.holder,
        toSqlTimestamp(lease.until),
        toSqlTimestamp(this.#clock.now()),
      ],
    );
    return rows[0]?.acquired === true;
  }

  async releaseLease(key: string, holder: string): Promise<void> {
    const lease = { holder, until: 0 };
    await this.#executor.query(`delete from ${this.#leases} where key = $1 and holder = $2`, [
      key,
      lease.holder,
    ]);
  }

  async deleteExpired(now: number): Promise<number> {
    const cutoff = toSqlTimestamp(now);
    const tokens = await this.#executor.query(
      `delete from ${this.#tokens} where expires_at < $1::timestamptz`,
      [cutoff],
    );
    const leases = await this.#executor.query(
      `delete from ${this.#leases} where lease_until < $1::timestamptz`,
      [cutoff],
    );
    return tokens.rowCount + leases.rowCount;
  }
}
