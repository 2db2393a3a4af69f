import { createHash } from "node:crypto";
import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { type Clock, parseInput, realSleep, type Sleep, systemClock } from "@lunas/core";
import { clockSchema, sleepSchema } from "@lunas/core/validation";
import { z } from "zod";
import { RouterOsConnection, type RouterOsReply } from "./routeros-connection.js";
import {
  RouterOsClosedError,
  RouterOsConnectionError,
  type RouterOsError,
  RouterOsLoginError,
  RouterOsTimeoutError,
  RouterOsTrapError,
} from "./routeros-errors.js";

export type { RouterOsReply } from "./routeros-connection.js";

/** TLS on the `api-ssl` service: trust a CA, or opt in explicitly to the router's self-signed certificate. */
export type RouterOsTlsOptions =
  | {
      /** PEM of the CA (or the router's own certificate) to trust. */
      ca: string | Buffer | readonly (string | Buffer)[];
      /** The name the certificate was issued for, when you connect by another name or an IP it does not list. */
      servername?: string;
    }
  | {
      /**
       * Accept whatever certificate the router shows. Encrypts, but does not
       * prove it is your router; prefer `ca` when you can export the certificate.
       */
      acceptSelfSigned: true;
    };

export interface RouterOsClientOptions {
  host: string;
  /** Default 8728, or 8729 with `tls`. */
  port?: number;
  user: string;
  password: string;
  tls?: RouterOsTlsOptions;
  /** Connecting plus logging in. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Per command, from the call until `!done`. Default 30 000 ms. */
  commandTimeoutMs?: number;
  /** Commands sent before their replies arrive (tagged, pipelined). Default 32. */
  maxInFlight?: number;
  /** Reads time for the timeouts; inject a `ManualClock` (with its `sleep`) to test them without waiting. */
  clock?: Clock;
  /** Waits behind the timeouts. */
  sleep?: Sleep;
}

export interface RouterOsCommandOptions {
  /** Overrides `commandTimeoutMs` for this command. */
  timeoutMs?: number;
}

export interface RouterOsClient {
  /**
   * Runs one API command, e.g. `run("/ip/hotspot/user/add", ["=name=0123", "=password=0123"])`
   * or `run("/ip/hotspot/user/print", ["?email=x@y", "=.proplist=.id,name"])`.
   * Connects (and logs in) first when needed. Rejects with `RouterOsTrapError`
   * (`!trap`), `RouterOsFatalError`, `RouterOsTimeoutError`,
   * `RouterOsConnectionError` or `RouterOsLoginError`; never hangs.
   */
  run(
    command: string,
    words?: readonly string[],
    options?: RouterOsCommandOptions,
  ): Promise<RouterOsReply>;
  /** Connects and logs in now rather than on the first command. */
  connect(): Promise<void>;
  /** Closes the connection; pending and later commands reject with `ROUTEROS_CLOSED`. */
  close(): Promise<void>;
  /** Whether a logged-in connection is open right now. */
  readonly connected: boolean;
}

const timeoutSchema = z
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);

const optionsSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535).optional(),
  user: z.string().min(1),
  password: z.string(),
  tls: z
    .union([
      z.strictObject({
        ca: z.union([
          z.string().min(1),
          z.instanceof(Buffer),
          z.array(z.union([z.string().min(1), z.instanceof(Buffer)])).min(1),
        ]),
        servername: z.string().min(1).optional(),
      }),
      z.strictObject({ acceptSelfSigned: z.literal(true) }),
    ])
    .optional(),
  connectTimeoutMs: timeoutSchema.default(10_000),
  commandTimeoutMs: timeoutSchema.default(30_000),
  maxInFlight: z.number().int().min(1).max(10_000).default(32),
  clock: clockSchema.default(systemClock),
  sleep: sleepSchema.default(() => realSleep),
});

const runSchema = z.object({
  command: z
    .string()
    .regex(/^\/[^\s=?]*$/, "must be an API command path such as /ip/hotspot/user/print"),
  words: z.array(
    z
      .string()
      .refine((word) => !word.startsWith(".tag="), "must not set .tag: the client tags commands"),
  ),
  options: z.strictObject({ timeoutMs: timeoutSchema.optional() }),
});

interface Command {
  tag: string;
  command: string;
  words: readonly string[];
  timeoutMs: number;
  deadline: number;
  connection: RouterOsConnection | undefined;
  settled: boolean;
  resolve(reply: RouterOsReply): void;
  reject(error: RouterOsError): void;
}

/**
 * A RouterOS API client written for hotspot voucher work: byte-length word
 * framing for every length class, both logins, `!empty`, tagged pipelined
 * commands with a bounded window, a timeout per command, reconnect on the
 * next command after any failure, and no way for a socket event to crash the
 * process.
 */
export function createRouterOsClient(options: RouterOsClientOptions): RouterOsClient {
  const config = parseInput(optionsSchema, options, "RouterOS client options");
  const port = config.port ?? (config.tls ? 8729 : 8728);
  const where = `${config.host}:${port}`;
  const queue: Command[] = [];
  let connection: RouterOsConnection | undefined;
  let connecting: Promise<RouterOsConnection> | undefined;
  let closed = false;
  let nextTag = 0;

  const settle = (command: Command) => {
    command.settled = true;
    active.delete(command);
  };

  // One timer for all commands rather than one each: a timer, an AbortSignal
  // and a validated sleep per command showed up in profiles of 1,000-user
  // batches. The watchdog sleeps until the earliest deadline, times out what
  // is due, and stops when nothing is pending.
  const active = new Set<Command>();
  let watchdog: { until: number; wake: AbortController } | undefined;
  const watch = () => {
    if (active.size === 0) return;
    let until = Number.POSITIVE_INFINITY;
    for (const command of active) until = Math.min(until, command.deadline);
    if (watchdog && watchdog.until <= until) return;
    watchdog?.wake.abort();
    const current = { until, wake: new AbortController() };
    watchdog = current;
    config.sleep(Math.max(0, until - config.clock.now()), current.wake.signal).then(
      () => {
        if (watchdog !== current) return;
        watchdog = undefined;
        const now = config.clock.now();
        for (const command of [...active]) if (command.deadline <= now) onTimeout(command);
        watch();
      },
      () => {},
    );
  };

  const openSocket = (): Socket => {
    const tls = config.tls;
    if (!tls) return connectTcp({ host: config.host, port });
    if ("acceptSelfSigned" in tls) {
      return connectTls({ host: config.host, port, rejectUnauthorized: false });
    }
    return connectTls({
      host: config.host,
      port,
      ca: tls.ca as string | Buffer | (string | Buffer)[],
      ...(tls.servername ? { servername: tls.servername } : {}),
    });
  };

  const request = (conn: RouterOsConnection, command: string, words: string[]) =>
    new Promise<RouterOsReply>((resolve, reject) => {
      conn.send(`l${nextTag++}`, command, words, resolve, reject);
    });

  const logIn = async (conn: RouterOsConnection) => {
    try {
      // RouterOS ≥ 6.43 checks the password here; older ones ignore it and
      // answer with a challenge in `ret` for the MD5 login.
      const first = await request(conn, "/login", [
        `=name=${config.user}`,
        `=password=${config.password}`,
      ]);
      if (first.ret === undefined) return;
      const response = createHash("md5")
        .update(Buffer.from([0]))
        .update(Buffer.from(config.password, "utf8"))
        .update(Buffer.from(first.ret, "hex"))
        .digest("hex");
      await request(conn, "/login", [`=name=${config.user}`, `=response=00${response}`]);
    } catch (error) {
      if (error instanceof RouterOsTrapError) {
        throw new RouterOsLoginError(config.user, error.routerMessage);
      }
      throw error;
    }
  };

  const open = async (): Promise<RouterOsConnection> => {
    const socket = openSocket();
    const conn = new RouterOsConnection(socket, where);
    const deadline = new AbortController();
    const timedOut = config
      .sleep(config.connectTimeoutMs, deadline.signal)
      .then(() => {
        conn.fail(
          new RouterOsConnectionError(
            `Could not connect and log in to RouterOS at ${where} within ${config.connectTimeoutMs} ms.`,
          ),
        );
      })
      .catch(() => {});
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once(config.tls ? "secureConnect" : "connect", () => resolve());
        conn.onClose(() => reject(conn.failure));
      });
      await logIn(conn);
      return conn;
    } catch (error) {
      // Refused, TLS rejected, timed out or login refused: the first failure is the one to report.
      conn.fail(error as RouterOsError);
      throw conn.failure ?? error;
    } finally {
      deadline.abort();
      await timedOut;
    }
  };

  const ensureConnection = () => {
    if (connecting) return;
    connecting = open()
      .then(
        (conn) => {
          if (closed) {
            conn.fail(new RouterOsClosedError());
            return conn;
          }
          connection = conn;
          conn.onClose(() => {
            if (connection === conn) connection = undefined;
            // Commands still queued may go out on a new connection: they were never sent.
            if (queue.length > 0) queueMicrotask(pump);
          });
          return conn;
        },
        (error: RouterOsError) => {
          // Nothing queued can be sent; fail it now rather than at its timeout.
          for (const command of queue.splice(0)) {
            if (command.settled) continue;
            settle(command);
            command.reject(error);
          }
          throw error;
        },
      )
      .finally(() => {
        connecting = undefined;
        if (queue.length > 0 && connection) pump();
      });
    connecting.catch(() => {});
  };

  const pump = () => {
    if (closed || queue.length === 0) return;
    const conn = connection;
    if (!conn?.alive) {
      ensureConnection();
      return;
    }
    conn.cork();
    try {
      while (queue.length > 0 && conn.inFlight < config.maxInFlight) {
        const command = queue.shift()!;
        if (command.settled) continue;
        command.connection = conn;
        conn.send(
          command.tag,
          command.command,
          command.words,
          (reply) => {
            if (command.settled) return;
            settle(command);
            command.resolve(reply);
            pump();
          },
          (error) => {
            if (command.settled) return;
            settle(command);
            command.reject(error);
          },
        );
      }
    } finally {
      conn.uncork();
    }
  };

  const onTimeout = (command: Command) => {
    if (command.settled) return;
    settle(command);
    command.reject(new RouterOsTimeoutError(command.command, command.timeoutMs));
    const index = queue.indexOf(command);
    if (index !== -1) queue.splice(index, 1);
    // A sent command that never finished means the link or the router stalled;
    // a fresh connection is the only way to know where we stand.
    command.connection?.fail(
      new RouterOsConnectionError(
        `The connection to RouterOS at ${where} was closed because ${command.command} timed out; the next command reconnects.`,
      ),
    );
  };

  return {
    get connected() {
      return connection?.alive === true;
    },

    run(command, words = [], runOptions = {}) {
      return new Promise<RouterOsReply>((resolve, reject) => {
        const parsed = parseInput(
          runSchema,
          { command, words, options: runOptions },
          "RouterOS command",
        );
        if (closed) throw new RouterOsClosedError();
        const timeoutMs = parsed.options.timeoutMs ?? config.commandTimeoutMs;
        const entry: Command = {
          tag: `${nextTag++}`,
          command: parsed.command,
          words: parsed.words,
          timeoutMs,
          deadline: config.clock.now() + timeoutMs,
          connection: undefined,
          settled: false,
          resolve,
          reject,
        };
        active.add(entry);
        watch();
        queue.push(entry);
        pump();
      });
    },

    async connect() {
      if (closed) throw new RouterOsClosedError();
      if (connection?.alive) return;
      ensureConnection();
      await connecting;
    },

    async close() {
      closed = true;
      watchdog?.wake.abort();
      watchdog = undefined;
      const error = new RouterOsClosedError();
      for (const command of queue.splice(0)) {
        if (command.settled) continue;
        settle(command);
        command.reject(error);
      }
      connection?.fail(error);
      const pendingConnect = connecting;
      if (pendingConnect) await pendingConnect.then((conn) => conn.fail(error)).catch(() => {});
    },
  };
}
