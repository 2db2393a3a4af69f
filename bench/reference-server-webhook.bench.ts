// `POST /webhooks/xendit` of the reference server (examples/reference-server)
// under load on PostgreSQL, next to a bare node:http server doing one
// `INSERT … ON CONFLICT DO NOTHING` per delivery, in the same run, with the
// same signed bodies (10 % of them redeliveries) and the same autocannon
// settings; then a check that every order was fulfilled exactly once.
// Each server is its own OS process. Run alone with
// `pnpm --filter @lunas/bench run bench:reference-server`.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer as createHttpServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { FakeXenditServer } from "@lunas/xendit/testing";
import autocannon from "autocannon";
import pg from "pg";
import { describeMachine, runPool } from "./machine.js";

const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const ORDERS = Number(process.env.BENCH_ORDERS ?? 2_000);
/** Orders whose webhooks warm both servers up (JIT, pools, caches) and are not measured. */
const WARMUP_ORDERS = Math.round(ORDERS * 0.1);
const DUPLICATE_EVERY = 10;
/** A redelivery lands this many deliveries after the original, at most: some overlap it in flight. */
const DUPLICATE_MAX_LAG = 256;
const CONNECTIONS = 64;
/** The service's own pool (examples/reference-server/src/database/database.ts) has 10 connections. */
const BARE_POOL_SIZE = 10;
const ORDER_CONCURRENCY = 16;
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 50;
const FULFILMENT_TIMEOUT_MS = Number(process.env.BENCH_FULFILMENT_TIMEOUT_MS ?? 180_000);
const SERVICE_DIR = fileURLToPath(new URL("../examples/reference-server/", import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const COURSE = "course-ts";

// ---------------------------------------------------------------------------
// The bare server: what a webhook receiver is at its cheapest. It checks the
// token, parses the body, and stores the event under its dedupe key.

async function serveBare(): Promise<void> {
  const databaseUrl = process.env.BENCH_BARE_DATABASE_URL as string;
  const token = process.env.BENCH_CALLBACK_TOKEN as string;
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: BARE_POOL_SIZE,
    connectionTimeoutMillis: 10_000,
    statement_timeout: 10_000,
  });
  await pool.query(
    "create table if not exists deliveries (key text primary key, payload jsonb not null, received_at timestamptz not null default now())",
  );
  const answer = (res: import("node:http").ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
  };
  const server = createHttpServer((req, res) => {
    if (req.method !== "POST" || req.url !== "/webhooks/xendit")
      return answer(res, 404, { ok: false });
    if (req.headers["x-callback-token"] !== token) return answer(res, 401, { ok: false });
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let key: string;
      try {
        const event = JSON.parse(text) as { event: string; data: { payment_id?: string } };
        key = `${event.event}:${event.data.payment_id}`;
      } catch {
        return answer(res, 400, { ok: false });
      }
      pool
        .query(
          "insert into deliveries (key, payload) values ($1, $2::jsonb) on conflict (key) do nothing",
          [key, text],
        )
        .then(
          (result) => answer(res, 200, { ok: true, key, replayed: result.rowCount === 0 }),
          () => answer(res, 500, { ok: false }),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as import("node:net").AddressInfo;
  console.log(JSON.stringify({ port: address.port }));
  process.once("SIGTERM", () => {
    server.close();
    server.closeAllConnections();
    pool.end().finally(() => process.exit(0));
  });
}

// ---------------------------------------------------------------------------
// Child processes and databases, cleaned up whatever happens.

interface Child {
  label: string;
  process: ChildProcess;
  /** The last lines it wrote, shown when it fails. */
  output: string[];
  exited: Promise<number | null>;
}

const running = new Set<Child>();
/** Set on SIGINT/SIGTERM: no new requests, so the servers can drain and stop. */
const interrupted = { now: false, load: undefined as autocannon.Instance | undefined };
// A crash of the bench must not leave servers holding the databases open.
process.once("exit", () => {
  for (const child of running) child.process.kill("SIGKILL");
});

function startChild(
  label: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Child {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim() === "") continue;
      output.push(line);
      if (output.length > 60) output.shift();
    }
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const handle = { label, process: child, output, exited };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return handle;
}

async function stopChild(child: Child, graceMs = 30_000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill("SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), graceMs);
  });
  if ((await Promise.race([child.exited, late])) === "late") {
    console.log(`  ${child.label} did not stop within ${graceMs / 1000} s of SIGTERM; killed`);
    child.process.kill("SIGKILL");
    await child.exited;
  }
  clearTimeout(timer);
}

function describeFailure(child: Child): string {
  return `${child.label} output (last lines):\n    ${child.output.join("\n    ")}`;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as import("node:net").AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  child: Child | null,
  attempt: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.process.exitCode !== null) {
      throw new Error(
        `${what}: ${child.label} exited with ${child.process.exitCode}\n${describeFailure(child)}`,
      );
    }
    const value = await attempt().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `${what}: not within ${timeoutMs / 1000} s${child ? `\n${describeFailure(child)}` : ""}`,
  );
}

// ---------------------------------------------------------------------------
// The load.

/** A deterministic generator, so every run sends the same sequence. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Every body once, in order, plus a redelivery of every tenth one a random
 * 1–256 deliveries after its original: near ones are in flight together at
 * 64 connections (the concurrent-duplicate path), far ones replay a
 * completed result.
 */
function interleave(bodies: readonly string[], seed: number): string[] {
  const random = prng(seed);
  const slots = bodies.map((body, i) => ({ body, at: i }));
  bodies.forEach((body, i) => {
    if (i % DUPLICATE_EVERY === 0) {
      slots.push({ body, at: i + 1 + Math.floor(random() * DUPLICATE_MAX_LAG) + 0.5 });
    }
  });
  return slots.sort((a, b) => a.at - b.at).map((slot) => slot.body);
}

interface Measured {
  deliveries: number;
  accepted: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  latencies: number[];
  /** Bodies that got no 2xx answer; Xendit would retry them. */
  unanswered: string[];
}

function fire(url: string, token: string, bodies: readonly string[]): Promise<Measured> {
  let next = 0;
  const answered = new Set<number>();
  const latencies: number[] = [];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        // autocannon refuses more connections than requests (small BENCH_ORDERS runs).
        connections: Math.min(CONNECTIONS, bodies.length),
        pipelining: 1,
        amount: bodies.length,
        timeout: 30,
        requests: [
          {
            method: "POST",
            path: "/webhooks/xendit",
            headers: { "content-type": "application/json", "x-callback-token": token },
            // autocannon builds each request right before sending it, one call per request.
            setupRequest: (request, context) => {
              const i = next++;
              (context as { delivery?: number }).delivery = i;
              return { ...request, body: bodies[i % bodies.length] as string };
            },
            onResponse: (status, _body, context) => {
              const i = (context as { delivery?: number }).delivery;
              if (i !== undefined && status >= 200 && status < 300) answered.add(i);
            },
          },
        ],
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) return reject(error);
        const seconds = (performance.now() - started) / 1000;
        const unanswered = bodies.filter((_, i) => !answered.has(i));
        resolve({
          deliveries: bodies.length,
          accepted: result["2xx"],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          seconds,
          latencies,
          unanswered,
        });
      },
    );
    interrupted.load = instance;
    instance.on("response", (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Summary {
  deliveries: number;
  accepted: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  acceptedPerSecond: number;
  p50: number;
  p99: number;
  max: number;
}

function summarise(rounds: readonly Measured[]): Summary {
  const latencies = rounds.flatMap((round) => round.latencies).sort((a, b) => a - b);
  const sum = (pick: (m: Measured) => number) => rounds.reduce((total, m) => total + pick(m), 0);
  return {
    deliveries: sum((m) => m.deliveries),
    accepted: sum((m) => m.accepted),
    non2xx: sum((m) => m.non2xx),
    errors: sum((m) => m.errors),
    timeouts: sum((m) => m.timeouts),
    acceptedPerSecond: sum((m) => m.accepted) / sum((m) => m.seconds),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
  };
}

function line(label: string, m: Summary): string {
  return `  ${label.padEnd(34)} ${m.acceptedPerSecond.toFixed(0).padStart(6)} accepted/s   p50 ${m.p50.toFixed(1).padStart(6)} ms   p99 ${m.p99.toFixed(1).padStart(6)} ms   ${m.accepted}/${m.deliveries} 2xx, ${m.non2xx} non-2xx, ${m.errors} errors (${m.timeouts} timeouts)`;
}

// ---------------------------------------------------------------------------
// The exactly-once check, read from the service's own tables.

interface CheckResult {
  ok: boolean;
  lines: string[];
}

async function checkExactlyOnce(
  db: pg.Client,
  orders: readonly { order_id: string; user_id: string }[],
): Promise<CheckResult> {
  const ids = orders.map((order) => order.order_id);
  const users = orders.map((order) => order.user_id);
  const one = async (sql: string, args: unknown[]) =>
    (await db.query<{ n: number }>(sql, args)).rows[0]?.n ?? -1;
  const checks: [string, number, number][] = [
    [
      "orders fulfilled",
      await one(
        "select count(*)::int as n from order_details where order_id = any($1) and status = 'fulfilled'",
        [ids],
      ),
      orders.length,
    ],
    [
      "orders whose fulfilment was recorded more than once",
      await one(
        "select count(*)::int as n from order_details where order_id = any($1) and fulfilment_runs <> 1",
        [ids],
      ),
      0,
    ],
    [
      "ledger payments (one per order, paid)",
      await one(
        "select count(*)::int as n from payments where order_id = any($1) and status = 'paid'",
        [ids],
      ),
      orders.length,
    ],
    [
      "orders with more than one ledger payment",
      await one(
        "select count(*)::int as n from (select order_id from payments where order_id = any($1) group by 1 having count(*) > 1) d",
        [ids],
      ),
      0,
    ],
    [
      "course payments recorded for reconciliation",
      await one(
        "select count(*)::int as n from payment_sync_payments where user_id = any($1) and item_id = $2",
        [users, COURSE],
      ),
      orders.length,
    ],
    [
      "users granted the course exactly once",
      await one(
        "select count(*)::int as n from payment_sync_users where user_id = any($1) and items = array[$2]::text[]",
        [users, COURSE],
      ),
      orders.length,
    ],
  ];
  // pg-boss keeps completed jobs in `job` for a while and then moves them to `archive`.
  const { rows: tables } = await db.query<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = 'pgboss' and table_name in ('job', 'archive')",
  );
  if (tables.length > 0) {
    const union = tables
      .map(
        (t) =>
          `select data ->> 'orderId' as order_id from pgboss.${t.name} where name = 'orders.fulfil'`,
      )
      .join(" union all ");
    checks.push([
      "orders with more than one fulfilment job",
      await one(
        `select count(*)::int as n from (select order_id from (${union}) j where order_id = any($1) group by 1 having count(*) > 1) d`,
        [ids],
      ),
      0,
    ]);
  }
  return {
    ok: checks.every(([, got, want]) => got === want),
    lines: checks.map(
      ([what, got, want]) =>
        `  ${got === want ? "ok  " : "FAIL"} ${what}: ${got}${got === want ? "" : ` (want ${want})`}`,
    ),
  };
}

// ---------------------------------------------------------------------------

export async function run(): Promise<void> {
  const [load1, load5] = loadavg();
  console.log(
    `reference server: POST /webhooks/xendit on PostgreSQL vs a bare node:http + INSERT … ON CONFLICT DO NOTHING (${ORDERS} course orders, every ${DUPLICATE_EVERY}th delivered twice, ${CONNECTIONS} connections, autocannon on loopback)`,
  );
  console.log(
    `  ${describeMachine()}; load average ${load1?.toFixed(1)} / ${load5?.toFixed(1)} (1 / 5 min)`,
  );

  const tag = `${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const serviceDb = `bench_rs_service_${tag}`;
  const bareDb = `bench_rs_bare_${tag}`;
  const cleanups: (() => Promise<unknown>)[] = [];
  let cleaned: Promise<void> | undefined;
  const cleanUp = () => {
    cleaned ??= (async () => {
      for (const step of cleanups.reverse()) {
        await step().catch((error: unknown) =>
          console.log(`  cleanup step failed: ${String(error)}`),
        );
      }
    })();
    return cleaned;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.log(`  ${signal}: cleaning up`);
    interrupted.now = true;
    interrupted.load?.stop();
    void cleanUp().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    const xendit = await FakeXenditServer.start();
    cleanups.push(() => xendit.close());
    await adminQuery(`create database ${serviceDb}`);
    cleanups.push(() => adminQuery(`drop database if exists ${serviceDb} with (force)`));
    await adminQuery(`create database ${bareDb}`);
    cleanups.push(() => adminQuery(`drop database if exists ${bareDb} with (force)`));

    const basicEnv = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    };
    const port = await freePort();
    const adminKey = randomBytes(24).toString("hex");
    // The Xendit account is the fake in this process, reached the way the real
    // API is (credentials + base URL), so this process can complete the sessions
    // and sign the webhooks; the other providers are the service's demo stand-ins.
    const service = startChild("reference server", ["--import", "tsx", "src/main.ts"], {
      cwd: SERVICE_DIR,
      env: {
        ...basicEnv,
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: String(port),
        LOG_LEVEL: "warn",
        ADMIN_API_KEY: adminKey,
        DATABASE_URL: databaseUrl(serviceDb),
        XENDIT_SECRET_KEY: xendit.secretKey,
        XENDIT_CALLBACK_TOKEN: xendit.callbackToken,
        XENDIT_BASE_URL: xendit.url,
      },
    });
    cleanups.push(() => stopChild(service));
    const bare = startChild("bare server", ["--import", "tsx", SELF, "bare-server"], {
      cwd: fileURLToPath(new URL(".", import.meta.url)),
      env: {
        ...basicEnv,
        NODE_ENV: "production",
        BENCH_BARE_DATABASE_URL: databaseUrl(bareDb),
        BENCH_CALLBACK_TOKEN: xendit.callbackToken,
      },
    });
    cleanups.push(() => stopChild(bare));

    const serviceUrl = `http://127.0.0.1:${port}`;
    const startedAt = performance.now();
    await waitFor("the reference server to answer /api/health", 180_000, service, async () => {
      const response = await fetch(`${serviceUrl}/api/health`, {
        signal: AbortSignal.timeout(5_000),
      });
      await response.arrayBuffer();
      return response.status === 200 ? true : undefined;
    });
    const bareUrl = await waitFor("the bare server to listen", 60_000, bare, async () => {
      const found = bare.output.find((l) => l.startsWith('{"port":'));
      return found ? `http://127.0.0.1:${(JSON.parse(found) as { port: number }).port}` : undefined;
    });
    console.log(`  both servers up in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);

    // Orders through the service's API, as the shop's frontend creates them.
    const orderStart = performance.now();
    const orders: { order_id: string; session_id: string; user_id: string }[] = new Array(ORDERS);
    await runPool(ORDERS, ORDER_CONCURRENCY, async (i) => {
      if (interrupted.now) throw new Error("interrupted");
      const userId = `bench-user-${i}`;
      const response = await fetch(`${serviceUrl}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ product_type: "course", user_id: userId, course_id: COURSE }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.status !== 201)
        throw new Error(`POST /orders answered ${response.status}: ${text}`);
      const created = JSON.parse(text) as { order_id: string; session_id: string };
      orders[i] = { ...created, user_id: userId };
    });
    console.log(
      `  ${ORDERS} orders created in ${((performance.now() - orderStart) / 1000).toFixed(1)} s`,
    );
    const bodies = orders.map((order) => JSON.stringify(xendit.completeSession(order.session_id)));

    // Warm-up, then two alternating rounds each: the machine is shared, and
    // alternating spreads its noise over both servers.
    const measuredCount = ORDERS - WARMUP_ORDERS;
    const half = WARMUP_ORDERS + Math.ceil(measuredCount / 2);
    const phases = (
      [
        ["warm-up", 0, WARMUP_ORDERS],
        ["round 1", WARMUP_ORDERS, half],
        ["round 2", half, ORDERS],
      ] as const
    ).map(([name, from, to], seed) => ({
      name,
      orders: orders.slice(from, to),
      deliveries: interleave(bodies.slice(from, to), seed + 1),
    }));
    const db = new pg.Client({
      connectionString: databaseUrl(serviceDb),
      connectionTimeoutMillis: 10_000,
      statement_timeout: 30_000,
    });
    await db.connect();
    cleanups.push(() => db.end());
    const drain = (ids: readonly string[]) =>
      waitFor("fulfilment to drain", FULFILMENT_TIMEOUT_MS, service, async () => {
        const { rows } = await db.query<{ pending: number }>(
          "select count(*)::int as pending from order_details where order_id = any($1) and status <> 'fulfilled'",
          [ids],
        );
        return rows[0]?.pending === 0 ? true : undefined;
      });

    const measured = { service: [] as Measured[], bare: [] as Measured[] };
    const retries: string[] = [];
    for (const phase of phases) {
      for (const [label, url] of [
        ["bare", bareUrl],
        ["service", serviceUrl],
      ] as const) {
        const result = await fire(url, xendit.callbackToken, phase.deliveries);
        console.log(
          line(
            `${phase.name}, ${label === "bare" ? "bare server" : "reference server"}`,
            summarise([result]),
          ),
        );
        if (phase.name !== "warm-up") measured[label].push(result);
        if (label === "service") retries.push(...result.unanswered);
      }
      // The service's fulfilment workers run on after its round; waiting for
      // them keeps their CPU out of the next bare round.
      const drainStart = performance.now();
      const ids = phase.orders.map((order) => order.order_id);
      await drain(ids).catch(() => {
        console.log(
          `  ${phase.name}: fulfilment not drained within ${FULFILMENT_TIMEOUT_MS / 1000} s; going on`,
        );
      });
      const seconds = (performance.now() - drainStart) / 1000;
      console.log(
        `  ${phase.name}: its ${ids.length} orders fulfilled ${seconds.toFixed(1)} s after the round`,
      );
    }

    const serviceTotal = summarise(measured.service);
    const bareTotal = summarise(measured.bare);
    const ratio = serviceTotal.acceptedPerSecond / bareTotal.acceptedPerSecond;
    console.log(line("bare server, both rounds", bareTotal));
    console.log(line("reference server, both rounds", serviceTotal));
    console.log(
      `  ratio reference / bare: ${ratio.toFixed(2)} (target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? "met" : "NOT met"});` +
        ` reference p99 ${serviceTotal.p99.toFixed(1)} ms (target < ${TARGET_P99_MS} ms: ${serviceTotal.p99 < TARGET_P99_MS ? "met" : "NOT met"})`,
    );

    // Xendit retries a delivery that got no 2xx; so does this, before the check.
    if (retries.length > 0) {
      console.log(`  redelivering ${retries.length} webhooks that got no 2xx answer`);
      await runPool(retries.length, 8, async (i) => {
        if (interrupted.now) throw new Error("interrupted");
        await xendit.deliverWebhook(
          `${serviceUrl}/webhooks/xendit`,
          JSON.parse(retries[i] as string),
        );
      });
    }

    const drainStart = performance.now();
    await drain(orders.map((order) => order.order_id)).catch((error: unknown) =>
      console.log(`  ${(error as Error).message.split("\n")[0]}`),
    );
    console.log(
      `  every order fulfilled ${((performance.now() - drainStart) / 1000).toFixed(1)} s after the retries`,
    );
    const { rows: bareRows } = await (async () => {
      const client = new pg.Client({
        connectionString: databaseUrl(bareDb),
        connectionTimeoutMillis: 10_000,
      });
      await client.connect();
      try {
        return await client.query<{ n: number }>("select count(*)::int as n from deliveries");
      } finally {
        await client.end();
      }
    })();
    console.log(`  bare server stored ${bareRows[0]?.n} events for ${ORDERS} orders`);

    const check = await checkExactlyOnce(db, orders);
    console.log(`  exactly-once check: ${check.ok ? "passed" : "FAILED"}`);
    for (const l of check.lines) console.log(l);
    const [after1] = loadavg();
    console.log(`  load average at the end ${after1?.toFixed(1)} (1 min)`);
    if (!check.ok) {
      console.log(describeFailure(service));
      throw new Error("reference server: not every order was fulfilled exactly once");
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await cleanUp();
  }
}

if (process.argv[2] === "bare-server") {
  await serveBare();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await run();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
