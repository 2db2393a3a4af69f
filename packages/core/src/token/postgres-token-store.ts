import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import { clockSchema, sqlExecutorSchema } from "../input/injected-schemas.js";
import type { SqlExecutor } from "../sql/executor.js";
import { qualifiedName } from "../sql/identifier.js";
import { type Clock, systemClock } from "../time/clock.js";
import type { StoredToken, TokenStore } from "./token-store.js";
import {
  checkEpochMs,
  checkKey,
  checkLease,
  checkStoredToken,
  fromTimestamp,
  toIso,
} from "./token-store-input.js";

export interface PostgresTokenStoreOptions {
  /** Schema holding the tables of `migrations/0001_token_store.sql`. Default `public`. */
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
 * `TokenStore` on PostgreSQL or PGlite (any `SqlExecutor`), with leases taken
 * atomically by one conditional upsert, so concurrent processes cannot both win.
 * Apply `@lunas/core`'s migrations (`migrateCore`) to the schema first.
 */
export class PostgresTokenStore implements TokenStore {
  readonly #executor: SqlExecutor;
  readonly #tokens: string;
  readonly #leases: string;
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
    this.#clock = parsed.clock ?? systemClock;
  }

  async get(key: string): Promise<StoredToken | null> {
    const { rows } = await this.#executor.query<{ value: string; expires_at: unknown }>(
      `select value, expires_at from ${this.#tokens} where key = $1`,
      [checkKey(key)],
    );
    const row = rows[0];
    return row ? { value: row.value, expiresAt: fromTimestamp(row.expires_at) } : null;
  }

  async set(key: string, token: StoredToken): Promise<void> {
    const checkedKey = checkKey(key);
    const { value, expiresAt } = checkStoredToken(token);
    await this.#executor.query(
      `insert into ${this.#tokens} (key, value, expires_at, updated_at)
       values ($1, $2, $3::timestamptz, $4::timestamptz)
       on conflict (key) do update
         set value = excluded.value, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
      [checkedKey, value, toIso(expiresAt), toIso(this.#clock.now())],
    );
  }

  async delete(key: string): Promise<void> {
    await this.#executor.query(`delete from ${this.#tokens} where key = $1`, [checkKey(key)]);
  }

  async acquireLease(key: string, holder: string, until: number): Promise<boolean> {
    const checkedKey = checkKey(key);
    const lease = checkLease(holder, until);
    // The WHERE on DO UPDATE makes the row lock decide: a standing lease of
    // another holder leaves the row untouched and RETURNING yields nothing.
    const { rows } = await this.#executor.query(
      `insert into ${this.#leases} as l (key, holder, lease_until, updated_at)
       values ($1, $2, $3::timestamptz, $4::timestamptz)
       on conflict (key) do update
         set holder = excluded.holder, lease_until = excluded.lease_until, updated_at = excluded.updated_at
         where l.lease_until <= $4::timestamptz or l.holder = $2
       returning 1 as acquired`,
      [checkedKey, lease.holder, toIso(lease.until), toIso(this.#clock.now())],
    );
    return rows.length === 1;
  }

  async releaseLease(key: string, holder: string): Promise<void> {
    const checkedKey = checkKey(key);
    const lease = checkLease(holder, 0);
    await this.#executor.query(`delete from ${this.#leases} where key = $1 and holder = $2`, [
      checkedKey,
      lease.holder,
    ]);
  }

  async deleteExpired(now: number): Promise<number> {
    const cutoff = toIso(checkEpochMs(now, "now"));
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
