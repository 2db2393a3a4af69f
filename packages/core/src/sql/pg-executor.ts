import { parseInput } from "../errors/parse-input.js";
import { portSchema } from "../input/injected-schemas.js";
import type { PgPoolClientLike, PgPoolLike } from "./driver-types.js";
import type { QueryResult, SqlExecutor } from "./executor.js";

type Queryable = Pick<PgPoolClientLike, "query">;

function clientExecutor(client: Queryable): SqlExecutor {
  const executor: SqlExecutor = {
    async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await client.query(text, params as unknown[] | undefined);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
    transaction: (fn) => fn(executor),
  };
  return executor;
}

/**
 * A `SqlExecutor` over a `pg` pool. Queries take any pooled connection;
 * `transaction` checks one out for its whole duration.
 *
 * The pool is the caller's: configure `connectionTimeoutMillis` and
 * `statement_timeout` on it, and attach `pool.on("error")` (or use
 * `createPgPool`, which does both) so a dropped idle connection cannot crash the process.
 */
export function createPgExecutor(pool: PgPoolLike): SqlExecutor {
  parseInput(
    portSchema<PgPoolLike>("pg Pool", ["query", "connect"]),
    pool,
    "createPgExecutor pool",
  );
  return {
    async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await pool.query(text, params as unknown[] | undefined);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      // The pool stops listening for a checked-out client's errors; without this
      // a connection dropped mid-transaction emits an unhandled 'error' and
      // crashes the process. The failed query rejects on its own.
      const onError = () => {
        broken = true;
      };
      client.on("error", onError);
      try {
        await client.query("BEGIN");
        const result = await fn(clientExecutor(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        try {
          await client.query("ROLLBACK");
        } catch {
          // The connection itself failed; do not hand it back to the pool.
          broken = true;
        }
        throw error;
      } finally {
        client.off("error", onError);
        client.release(broken);
      }
    },
  };
}
