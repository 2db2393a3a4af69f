// 1,000,000 payments over 200,000 users on PostgreSQL: the streaming
// `reconcile` against a load-everything-into-memory baseline, each in its own
// child process so its peak memory is its own. Run with
// `pnpm --filter @lunas/bench run bench:payment-sync` (a few minutes; not in run-all).
// BENCH_ROUNDS (default 3) alternating rounds; BENCH_HEAP_CAP_MIB (default 64)
// for the closing run of both modes under the same V8 old-space cap (0 skips it).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createPgExecutor, createPgPool } from "@lunas/core/postgres";
import {
  type FoundDrift,
  findUserDrift,
  type Payment,
  reconcile,
  type UserEntitlements,
} from "@lunas/payment-sync";
import {
  migratePaymentSync,
  PostgresEntitlementStore,
  PostgresPaymentSource,
} from "@lunas/payment-sync/postgres";
import { describeMachine, median } from "./machine.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const USERS = Number(process.env.BENCH_USERS ?? 200_000);
const PER_USER = 5;
const BATCH_SIZE = 1_000;
const CONCURRENCY = 2;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const HEAP_CAP_MIB = Number(process.env.BENCH_HEAP_CAP_MIB ?? 64);

const MODES = ["baseline", "streaming"] as const;
type Mode = (typeof MODES)[number];

interface Measured {
  mode: string;
  ms: number;
  payments: number;
  usersWithDrift: number;
  peakRssMiB: number;
  peakHeapMiB: number;
}

/** Seeds the tables with set-based SQL: every user pays for 5 courses; some drift of every kind. */
async function seed(schema: string) {
  const pool = createPgPool({ connectionString: DATABASE_URL, statementTimeoutMillis: 600_000 });
  const executor = createPgExecutor(pool);
  try {
    await migratePaymentSync(executor, { schema });
    await executor.exec(`
      insert into "${schema}".payment_sync_payments
        (payment_id, user_id, item_id, amount, paid_at, provider, recorded_at)
      select 'pay-' || u || '-' || k, 'user-' || lpad(u::text, 7, '0'), 'course-' || ((u + k * 7) % 100),
             150000, now(), 'midtrans', now()
      from generate_series(1, ${USERS}) u, generate_series(0, ${PER_USER - 1}) k;
      insert into "${schema}".payment_sync_users (user_id, items)
      select 'user-' || lpad(u::text, 7, '0'),
             array(select 'course-' || ((u + k * 7) % 100) from generate_series(0, ${PER_USER - 1}) k
                   where not (u % 100 = 0 and k = 0))
             || case when u % 150 = 0 then array['course-free'] else '{}' end
             || case when u % 200 = 0 then array['course-' || (u % 100)] else '{}' end
      from generate_series(1, ${USERS}) u
      where u % 1000 <> 7;`);
    // Vacuumed, as autovacuum leaves a table at rest (it is off on the bench's server): no
    // mode's first read pays for setting hint bits, and index-only scans need no heap visits.
    // One statement per call: VACUUM refuses to run inside a multi-statement batch.
    for (const table of ["payment_sync_payments", "payment_sync_users"]) {
      await executor.exec(`vacuum (analyze) "${schema}".${table}`);
    }
  } finally {
    await pool.end();
  }
}

// Growth over what the process held before the run (Node, tsx, pg, the package):
// what the data and the work cost, not the runtime every mode pays alike.
function peaks(sampled: { heap: number; rss: number }, before: { heap: number; rss: number }) {
  return {
    peakRssMiB: Math.round((sampled.rss - before.rss) / 2 ** 20),
    peakHeapMiB: Math.round((sampled.heap - before.heap) / 2 ** 20),
  };
}

/** Runs inside a child process: one mode, one JSON line out. */
async function measure(mode: Mode, schema: string): Promise<Measured> {
  const pool = createPgPool({
    connectionString: DATABASE_URL,
    max: CONCURRENCY + 1,
    statementTimeoutMillis: 600_000,
  });
  const executor = createPgExecutor(pool);
  const initial = process.memoryUsage();
  const before = { heap: initial.heapUsed, rss: initial.rss };
  const sampled = { ...before };
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    sampled.heap = Math.max(sampled.heap, now.heapUsed);
    sampled.rss = Math.max(sampled.rss, now.rss);
  }, 10);
  const start = performance.now();
  try {
    if (mode === "streaming") {
      const report = await reconcile({
        source: new PostgresPaymentSource(executor, { schema }),
        entitlements: new PostgresEntitlementStore(executor, { schema }),
        mode: "validate",
        batchSize: BATCH_SIZE,
        concurrency: CONCURRENCY,
      });
      const ms = performance.now() - start;
      return {
        mode,
        ms,
        payments: report.totals.paymentsChecked,
        usersWithDrift: report.totals.usersWithDrift,
        ...peaks(sampled, before),
      };
    }
    // The approach the engine replaces: read both tables whole, group, compare.
    const { rows: paymentRows } = await executor.query<Payment>(
      `select payment_id as "paymentId", user_id as "userId", item_id as "itemId", amount::float8 as amount,
              paid_at::text as "paidAt", provider from "${schema}".payment_sync_payments`,
    );
    // Grants read as the adapter reads them (JSON), so both modes parse the same bytes the same way.
    const { rows: userRows } = await executor.query<UserEntitlements>(
      `select user_id as "userId", array_to_json(items) as items from "${schema}".payment_sync_users`,
    );
    const paymentsByUser = new Map<string, Payment[]>();
    for (const payment of paymentRows) {
      const list = paymentsByUser.get(payment.userId);
      if (list) list.push(payment);
      else paymentsByUser.set(payment.userId, [payment]);
    }
    const records = new Map(userRows.map((record) => [record.userId, record]));
    // Kept, as the streaming report keeps them: both modes end holding the same findings.
    const found: FoundDrift[] = [];
    for (const userId of new Set([...paymentsByUser.keys(), ...records.keys()])) {
      const drift = findUserDrift(
        userId,
        paymentsByUser.get(userId) ?? [],
        records.get(userId) ?? null,
      );
      if (drift) found.push(drift);
    }
    const ms = performance.now() - start;
    return {
      mode,
      ms,
      payments: paymentRows.length,
      usersWithDrift: found.length,
      ...peaks(sampled, before),
    };
  } finally {
    clearInterval(sampler);
    await pool.end();
  }
}

function line(label: string, result: Measured): string {
  const perSecond = Math.round(result.payments / (result.ms / 1000)).toLocaleString("en");
  return `  ${label.padEnd(10)} ${(result.ms / 1000).toFixed(2).padStart(6)} s  ${perSecond.padStart(
    9,
  )} payments/s  peak RSS +${String(result.peakRssMiB).padStart(5)} MiB  peak heap +${String(
    result.peakHeapMiB,
  ).padStart(5)} MiB  drifted users ${result.usersWithDrift}`;
}

/** One mode in a fresh child process; `null` when the child died (out of memory under a cap). */
function runChild(mode: Mode, schema: string, nodeFlags: string[] = []): Measured | null {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [...nodeFlags, "--import", "tsx", self, mode, schema], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) {
    const reason = child.stderr.includes("heap out of memory")
      ? "out of memory"
      : `exit ${child.status ?? child.signal}: ${child.stderr.trim().split("\n").at(-1)}`;
    console.log(`  ${mode.padEnd(10)} ${nodeFlags.join(" ")}: ${reason}`);
    return null;
  }
  return JSON.parse(child.stdout.trim().split("\n").at(-1) as string) as Measured;
}

export async function run() {
  console.log(
    `payment-sync: reconcile ${USERS * PER_USER} payments over ${USERS} users on PostgreSQL, streaming (batch ${BATCH_SIZE}, concurrency ${CONCURRENCY}) vs load-everything, ${ROUNDS} rounds`,
  );
  const schema = `bench_sync_${Date.now().toString(36)}`;
  const seedStart = performance.now();
  await seed(schema);
  console.log(`  seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  const results: Measured[] = [];
  try {
    // Alternating rounds: the machine is shared, so one run of each says little.
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of MODES) {
        const result = runChild(mode, schema);
        if (!result) throw new Error(`${mode} failed without a heap cap`);
        results.push(result);
        console.log(line(mode, result));
      }
    }
    summarise(results);
    if (HEAP_CAP_MIB > 0) {
      // Same flags for both modes: what each needs, not what V8 lets garbage grow to.
      const flag = `--max-old-space-size=${HEAP_CAP_MIB}`;
      console.log(`\n  both modes again with ${flag}:`);
      for (const mode of MODES) {
        const result = runChild(mode, schema, [flag]);
        if (result) console.log(line(mode, result));
      }
    }
  } finally {
    const pool = createPgPool({ connectionString: DATABASE_URL });
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  }
}

function summarise(results: readonly Measured[]) {
  const of = (mode: Mode) => results.filter((r) => r.mode === mode);
  const stats = (mode: Mode) => {
    const runs = of(mode);
    return {
      bestMs: Math.min(...runs.map((r) => r.ms)),
      medianMs: median(runs.map((r) => r.ms)),
      rss: median(runs.map((r) => r.peakRssMiB)),
      heap: median(runs.map((r) => r.peakHeapMiB)),
      payments: runs[0]?.payments ?? 0,
    };
  };
  const streaming = stats("streaming");
  const baseline = stats("baseline");
  const perSecond = (payments: number, ms: number) =>
    Math.round(payments / (ms / 1000)).toLocaleString("en");
  console.log("");
  for (const [mode, s] of [
    ["baseline", baseline],
    ["streaming", streaming],
  ] as const) {
    console.log(
      `  ${mode.padEnd(10)} best ${(s.bestMs / 1000).toFixed(2)} s (${perSecond(s.payments, s.bestMs)}/s)  median ${(s.medianMs / 1000).toFixed(2)} s (${perSecond(s.payments, s.medianMs)}/s)  median peak RSS +${s.rss} MiB, heap +${s.heap} MiB`,
    );
  }
  console.log(
    `  streaming: ${(baseline.bestMs / streaming.bestMs).toFixed(2)}× the baseline's speed best to best, ${(baseline.medianMs / streaming.medianMs).toFixed(2)}× median to median; ${((streaming.rss / baseline.rss) * 100).toFixed(0)} % of its peak RSS growth, ${((streaming.heap / baseline.heap) * 100).toFixed(0)} % of its peak heap growth (medians)`,
  );
}

const [mode, schema] = process.argv.slice(2);
if (MODES.includes(mode as Mode)) {
  console.log(JSON.stringify(await measure(mode as Mode, schema as string)));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`machine: ${describeMachine()}\n`);
  await run();
}
