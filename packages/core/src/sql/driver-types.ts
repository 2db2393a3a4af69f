// Structural types for the optional drivers (`pg`, PGlite), written here so that
// core's declaration files import nothing from an optional peer: an app without
// `pg` or PGlite installed still typechecks (with `skipLibCheck: false`) and never
// sees these types degrade to `any`. Each lists only what core calls; a real
// `pg.Pool` and a real `PGlite` are assignable (test/types/driver-types.test-d.ts).

/** What a `pg` query resolves to, as far as core reads it. */
export interface PgQueryResultLike<R = Record<string, unknown>> {
  rows: R[];
  rowCount: number | null;
}

/** The settings a pool runs with (`pg.Pool#options`), the ones `createPgPool` sets. */
export interface PgPoolConfigLike {
  max?: number;
  min?: number;
  connectionTimeoutMillis?: number;
  idleTimeoutMillis?: number | null;
  statement_timeout?: false | number;
  query_timeout?: number;
  application_name?: string;
  ssl?: unknown;
}

/** A connection checked out of a pool (`pg.PoolClient`). */
export interface PgPoolClientLike {
  query(text: string, values?: unknown[]): Promise<PgQueryResultLike>;
  on(event: "error", listener: (error: Error) => void): unknown;
  off(event: "error", listener: (error: Error) => void): unknown;
  /** `true` (or an error) destroys the connection instead of returning it to the pool. */
  release(destroy?: boolean | Error): void;
}

/** A `pg.Pool`, as `createPgExecutor` uses it and `createPgPool` returns it. */
export interface PgPoolLike {
  query<R = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<PgQueryResultLike<R>>;
  connect(): Promise<PgPoolClientLike>;
  on(event: "error", listener: (error: Error) => void): unknown;
  /** Closes every connection. */
  end(): Promise<void>;
  readonly options: PgPoolConfigLike;
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

/** What a PGlite query resolves to, as far as core reads it. */
export interface PgliteResultsLike<R> {
  rows: R[];
  fields: readonly unknown[];
  affectedRows?: number;
}

/** A PGlite database or transaction: `query` for one statement, `exec` for scripts. */
export interface PgliteQueryableLike {
  query<R>(text: string, params?: unknown[]): Promise<PgliteResultsLike<R>>;
  exec(sql: string): Promise<PgliteResultsLike<Record<string, unknown>>[]>;
}

/** A PGlite database (an instance of PGlite's `PGlite` class). */
export interface PgliteLike extends PgliteQueryableLike {
  transaction<T>(fn: (tx: PgliteQueryableLike) => Promise<T>): Promise<T>;
}
