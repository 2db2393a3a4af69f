import { parseInput } from "../errors/parse-input.js";
import { portSchema } from "../input/injected-schemas.js";
import type { PgliteLike, PgliteQueryableLike } from "./driver-types.js";
import type { QueryResult, SqlExecutor } from "./executor.js";

function wrap(db: PgliteQueryableLike, transaction: SqlExecutor["transaction"]): SqlExecutor {
  return {
    async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await db.query<R>(text, params as unknown[] | undefined);
      // PGlite reports affectedRows = 0 for a SELECT; match pg, where rowCount counts returned rows.
      const returnsRows = result.fields.length > 0;
      return {
        rows: result.rows,
        rowCount: returnsRows ? result.rows.length : (result.affectedRows ?? 0),
      };
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
    transaction,
  };
}

/**
 * A `SqlExecutor` over an embedded PGlite database: the zero-setup default,
 * with the same SQL as PostgreSQL. PGlite runs one statement at a time, so
 * concurrent callers queue rather than race.
 */
export function createPgliteExecutor(db: PgliteLike): SqlExecutor {
  parseInput(
    portSchema<PgliteLike>("PGlite", ["query", "exec", "transaction"]),
    db,
    "createPgliteExecutor database",
  );
  return wrap(db, (fn) =>
    db.transaction((tx) => {
      const txExecutor: SqlExecutor = wrap(tx, (inner) => inner(txExecutor));
      return fn(txExecutor);
    }),
  );
}
