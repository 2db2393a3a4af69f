import { parseInput, qualifiedName, type SqlExecutor } from "@lunas/core";
import { z } from "zod";
import { epochMsSql, postgresArgumentsSchema, toIso } from "../postgres-input.js";
import {
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitRule,
  windowStart,
} from "./rate-limiter.js";

export interface PostgresRateLimiterOptions {
  /** Default `public`. Apply `migrateFonnteAi` to it first. */
  schema?: string;
  /** Default `fonnte_ai_rate_limits`. */
  table?: string;
}

const argumentsSchema = postgresArgumentsSchema({
  table: z.string().default("fonnte_ai_rate_limits"),
});

/**
 * A `RateLimiter` in PostgreSQL or PGlite that several instances share: each hit
 * is one upsert that starts a new window or adds one to the current one, so
 * concurrent hits are serialised on the key's row and none is lost. An instance
 * whose clock lags counts into the newer window rather than restarting it.
 */
export class PostgresRateLimiter implements RateLimiter {
  readonly #executor: SqlExecutor;
  readonly #table: string;

  constructor(executor: SqlExecutor, options: PostgresRateLimiterOptions = {}) {
    const { options: parsed } = parseInput(
      argumentsSchema,
      { executor, options },
      "PostgresRateLimiter arguments",
    );
    this.#executor = executor;
    this.#table = qualifiedName(parsed.schema, parsed.table);
  }

  async hit(key: string, rule: RateLimitRule, now: number): Promise<RateLimitDecision> {
    const start = windowStart(now, rule.windowMs);
    const { rows } = await this.#executor.query<{ hits: number; reset_at_ms: number }>(
      `insert into ${this.#table} as t (key, window_start, hits, expires_at)
       values ($1, $2::timestamptz, 1, $3::timestamptz)
       on conflict (key) do update set
         hits = case when excluded.window_start > t.window_start then 1 else t.hits + 1 end,
         window_start = greatest(t.window_start, excluded.window_start),
         expires_at = greatest(t.expires_at, excluded.expires_at)
       returning hits, ${epochMsSql("expires_at")} as reset_at_ms`,
      [key, toIso(start), toIso(start + rule.windowMs)],
    );
    const row = rows[0]!;
    return { allowed: row.hits <= rule.limit, hits: row.hits, resetAt: row.reset_at_ms };
  }

  async reset(key: string): Promise<void> {
    await this.#executor.query(`delete from ${this.#table} where key = $1`, [key]);
  }

  async purgeExpired(now: number): Promise<number> {
    const { rowCount } = await this.#executor.query(
      `delete from ${this.#table} where expires_at <= $1::timestamptz`,
      [toIso(now)],
    );
    return rowCount;
  }
}
