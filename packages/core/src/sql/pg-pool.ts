import pg from "pg";

export interface PgPoolOptions {
  connectionString: string;
  /** Connections kept open. Default 10. */
  max?: number;
  /** Give up connecting after this long. Default 10 s. */
  connectionTimeoutMillis?: number;
  /** Server-side limit for one statement. Default 30 s. */
  statementTimeoutMillis?: number;
  /** Called when an idle connection drops; the default ignores it (the pool reconnects). */
  onError?: (error: Error) => void;
}

/**
 * A `pg.Pool` with the defaults Lunas expects: every call bounded in time, and an
 * `error` listener so a connection dropped while idle is logged instead of
 * crashing the process (pg emits it on the pool, where nobody awaits it).
 */
export function createPgPool(options: PgPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
    statement_timeout: options.statementTimeoutMillis ?? 30_000,
  });
  pool.on("error", options.onError ?? (() => {}));
  return pool;
}
