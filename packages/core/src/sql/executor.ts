export interface QueryResult<R> {
  rows: R[];
  /** Rows inserted, updated or deleted (or returned, for a SELECT). */
  rowCount: number;
}

/**
 * The one SQL surface every Lunas store is written against. Adapters exist for
 * `pg` (PostgreSQL, Supabase's database) and PGlite (embedded), so each store's
 * SQL is written once, in PostgreSQL's dialect.
 */
export interface SqlExecutor {
  /** One statement, `$1`-style parameters. */
  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>>;
  /** Several parameterless statements separated by `;` (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction on one connection: committed when it resolves,
   * rolled back when it throws. Inside `fn`, use only the `tx` executor; calling
   * `tx.transaction` runs in the same transaction (no savepoint).
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}
