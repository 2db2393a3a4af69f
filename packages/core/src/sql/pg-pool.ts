import pg from "pg";
import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import { callableSchema } from "../input/injected-schemas.js";
import type { PgPoolLike } from "./driver-types.js";

/** TLS settings, as `pg` passes them to Node's `tls.connect`. */
export interface PgSslOptions {
  /** The server's CA certificate(s) in PEM, e.g. Supabase's `prod-ca-2021.crt`. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Client certificate and key in PEM, for servers that want one. */
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  /** Refuse a server whose certificate the CA does not vouch for. Node's default: `true`. */
  rejectUnauthorized?: boolean;
  /** The name to check the certificate against, when it differs from the host. */
  servername?: string;
  minVersion?: "TLSv1.2" | "TLSv1.3";
}

export interface PgPoolOptions {
  /** `postgres://user:password@host:port/database`. Give it or `host`. */
  connectionString?: string;
  host?: string;
  port?: number;
  user?: string;
  /** A string, or a function returning it (for rotating credentials such as IAM tokens). */
  password?: string | (() => string | Promise<string>);
  database?: string;
  /**
   * `true` for TLS with Node's default CAs, or the TLS settings (a CA to trust,
   * `rejectUnauthorized`). Leave `sslmode` out of `connectionString` when you
   * pass this: `pg` lets the URL's `sslmode` replace these settings.
   */
  ssl?: boolean | PgSslOptions;
  /** Connections kept open. Default 10. */
  max?: number;
  /** Connections kept open even when idle. Default 0. */
  min?: number;
  /** Give up connecting after this long. Default 10 s. */
  connectionTimeoutMillis?: number;
  /** Close a connection idle for this long; 0 never closes one. Default 10 s (pg's). */
  idleTimeoutMillis?: number;
  /** Server-side limit for one statement. Default 30 s. `statement_timeout` is the same (pg's name); give one. */
  statementTimeoutMillis?: number;
  statement_timeout?: number;
  /**
   * Client-side limit for one query, for when the server cannot answer at all
   * (network gone without a reset), where `statement_timeout` never fires.
   * Default: the statement timeout plus 5 s. `query_timeout` is the same (pg's name); give one.
   */
  queryTimeoutMillis?: number;
  query_timeout?: number;
  /** Server-side limit for waiting on a lock. Default: the server's. */
  lock_timeout?: number;
  /** The server ends a session left idle inside a transaction this long. Default: the server's. */
  idle_in_transaction_session_timeout?: number;
  /** Shown in `pg_stat_activity`, so an operator sees which service holds a connection. */
  application_name?: string;
  /** TCP keep-alive, which lets a dead network be noticed on an idle connection. Default: pg's. */
  keepAlive?: boolean;
  keepAliveInitialDelayMillis?: number;
  /** Replace a connection after this many uses / this many seconds (e.g. behind a pooler). */
  maxUses?: number;
  maxLifetimeSeconds?: number;
  /** Let the process exit while connections sit idle. Default false. */
  allowExitOnIdle?: boolean;
  /** Called when an idle connection drops; the default ignores it (the pool reconnects). */
  onError?: (error: Error) => void;
}

const INT32_MAX = 2_147_483_647;
const millis = z.number().int().positive().max(INT32_MAX);
// 0 means "no limit" to PostgreSQL and pg for these.
const millisOrOff = z.number().int().min(0).max(INT32_MAX);
const pem = z.union([
  z.string().min(1),
  z.custom<Buffer>((value) => value instanceof Uint8Array, "must be PEM text or a Buffer"),
]);

// Strict everywhere: a misspelt timeout or `rejectUnauthorised` would otherwise
// quietly leave its default in place.
const sslSchema = z.union([
  z.boolean(),
  z.strictObject({
    ca: z.union([pem, z.array(pem).min(1)]).optional(),
    cert: pem.optional(),
    key: pem.optional(),
    passphrase: z.string().optional(),
    rejectUnauthorized: z.boolean().optional(),
    servername: z.string().min(1).optional(),
    minVersion: z.enum(["TLSv1.2", "TLSv1.3"]).optional(),
  }),
]);

const optionsSchema = z
  .strictObject({
    connectionString: z.string().min(1).optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65_535).optional(),
    user: z.string().min(1).optional(),
    password: z.union([z.string(), callableSchema<() => string | Promise<string>>()]).optional(),
    database: z.string().min(1).optional(),
    ssl: sslSchema.optional(),
    max: z.number().int().positive().max(10_000).optional(),
    min: z.number().int().min(0).max(10_000).optional(),
    connectionTimeoutMillis: millis.optional(),
    idleTimeoutMillis: millisOrOff.optional(),
    statementTimeoutMillis: millis.optional(),
    statement_timeout: millis.optional(),
    queryTimeoutMillis: millis.optional(),
    query_timeout: millis.optional(),
    lock_timeout: millisOrOff.optional(),
    idle_in_transaction_session_timeout: millisOrOff.optional(),
    application_name: z.string().min(1).max(63).optional(),
    keepAlive: z.boolean().optional(),
    keepAliveInitialDelayMillis: millisOrOff.optional(),
    maxUses: z.number().int().positive().optional(),
    maxLifetimeSeconds: z.number().int().positive().optional(),
    allowExitOnIdle: z.boolean().optional(),
    onError: callableSchema<(error: Error) => void>().optional(),
  })
  .refine((o) => o.connectionString !== undefined || o.host !== undefined, {
    message: "give connectionString or host",
    path: ["connectionString"],
  })
  .refine((o) => o.statementTimeoutMillis === undefined || o.statement_timeout === undefined, {
    message: "give statementTimeoutMillis or statement_timeout, not both",
    path: ["statement_timeout"],
  })
  .refine((o) => o.queryTimeoutMillis === undefined || o.query_timeout === undefined, {
    message: "give queryTimeoutMillis or query_timeout, not both",
    path: ["query_timeout"],
  })
  .refine((o) => (o.min ?? 0) <= (o.max ?? 10), {
    message: "must not exceed max (default 10)",
    path: ["min"],
  })
  .refine((o) => o.ssl === undefined || !/[?&]sslmode=/i.test(o.connectionString ?? ""), {
    // pg parses the URL after the options, so its sslmode would silently replace them.
    message: "connectionString carries sslmode, which pg lets override ssl; drop sslmode from it",
    path: ["ssl"],
  });

/**
 * A `pg.Pool` with the defaults Lunas expects: every call bounded in time, and an
 * `error` listener so a connection dropped while idle is logged instead of
 * crashing the process (pg emits it on the pool, where nobody awaits it). Takes
 * `pg`'s pool options (TLS, idle timeout, application name, ...), checked up
 * front so a misspelt one is an `INVALID_ARGUMENT` rather than a silent default.
 *
 * It returns a real `pg.Pool`, declared as `PgPoolLike` so that the declaration
 * needs no `pg` types; cast it to `pg.Pool` for the rest of pg's API.
 */
export function createPgPool(input: PgPoolOptions): PgPoolLike {
  const {
    onError,
    statementTimeoutMillis,
    statement_timeout,
    queryTimeoutMillis,
    query_timeout,
    ...passThrough
  } = parseInput(optionsSchema, input, "createPgPool options");
  const statementTimeout = statementTimeoutMillis ?? statement_timeout ?? 30_000;
  const config: pg.PoolConfig = {
    ...passThrough,
    max: passThrough.max ?? 10,
    connectionTimeoutMillis: passThrough.connectionTimeoutMillis ?? 10_000,
    statement_timeout: statementTimeout,
    query_timeout: queryTimeoutMillis ?? query_timeout ?? statementTimeout + 5_000,
  };
  const pool = new pg.Pool(config);
  pool.on("error", onError ?? (() => {}));
  return pool;
}
