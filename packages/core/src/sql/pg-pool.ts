import pg from "pg";
import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import { callableSchema } from "../input/injected-schemas.js";

export interface PgPoolOptions {
  connectionString: string;
  /** Connections kept open. Default 10. */
  max?: number;
  /** Give up connecting after this long. Default 10 s. */
  connectionTimeoutMillis?: number;
  /** Server-side limit for one statement. Default 30 s. */
  statementTimeoutMillis?: number;
  /**
   * Client-side limit for one query, for when the server cannot answer at all
   * (network gone without a reset), where `statement_timeout` never fires.
   * Default: the statement timeout plus 5 s.
   */
  queryTimeoutMillis?: number;
  /** Called when an idle connection drops; the default ignores it (the pool reconnects). */
  onError?: (error: Error) => void;
}

const millis = z.number().int().positive().max(2_147_483_647);
// Strict: a misspelt timeout would otherwise quietly leave its default in place.
const optionsSchema = z.strictObject({
  connectionString: z.string().min(1),
  max: z.number().int().positive().max(10_000).optional(),
  connectionTimeoutMillis: millis.optional(),
  statementTimeoutMillis: millis.optional(),
  queryTimeoutMillis: millis.optional(),
  onError: callableSchema<(error: Error) => void>().optional(),
});

/**
 * A `pg.Pool` with the defaults Lunas expects: every call bounded in time, and an
 * `error` listener so a connection dropped while idle is logged instead of
 * crashing the process (pg emits it on the pool, where nobody awaits it).
 */
export function createPgPool(input: PgPoolOptions): pg.Pool {
  const options = parseInput(optionsSchema, input, "createPgPool options");
  const statementTimeout = options.statementTimeoutMillis ?? 30_000;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
    statement_timeout: statementTimeout,
    query_timeout: options.queryTimeoutMillis ?? statementTimeout + 5_000,
  });
  pool.on("error", options.onError ?? (() => {}));
  return pool;
}
