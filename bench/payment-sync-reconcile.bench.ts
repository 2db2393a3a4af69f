// 1,000,000 payments over 200,000 users on PostgreSQL: the streaming
// `reconcile` against a load-everything-into-memory baseline, each in its own
// child process so its peak memory is its own. Run with
// `pnpm --filter @lunas/bench run bench:payment-sync` (a few minutes; not in run-all).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createPgExecutor, createPgPool } from "@lunas/core/postgres";
import { findUserDrift, type Payment, reconcile, type UserEntitlements } from "@lunas/payment-sync";
import {
  migratePaymentSync,
  PostgresEntitlementStore,
  PostgresPaymentSource,
} from "@lunas/payment-sync/postgres";
import { describeMachine } from "./machine.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const USERS = Number(process.env.BENCH_USERS ?? 200_000);
const PER_USER = 5;
const BATCH_SIZE = 1_000;
const CONCURRENCY = 2;

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
      where u % 1000 <> 7;
      analyze "${schema}".payment_sync_payments;
      analyze "${schema}".payment_sync_users;`);
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
async function measure(mode: "streaming" | "baseline", schema: string): Promise<Measured> {
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
    const { rows: userRows } = await executor.query<UserEntitlements>(
      `select user_id as "userId", items from "${schema}".payment_sync_users`,
    );
    const paymentsByUser = new Map<string, Payment[]>();
    for (const payment of paymentRows) {
      const list = paymentsByUser.get(payment.userId);
      if (list) list.push(payment);
      else paymentsByUser.set(payment.userId, [payment]);
    }
    const records = new Map(userRows.map((record) => [record.userId, record]));
    let usersWithDrift = 0;
    for (const userId of new Set([...paymentsByUser.keys(), ...records.keys()])) {
      if (findUserDrift(userId, paymentsByUser.get(userId) ?? [], records.get(userId) ?? null)) {
        usersWithDrift++;
      }
    }
    const ms = performance.now() - start;
    return { mode, ms, payments: paymentRows.length, usersWithDrift, ...peaks(sampled, before) };
  } finally {
    clearInterval(sampler);
    await pool.end();
  }
}

export async function run() {
  console.log(
    `payment-sync: reconcile ${USERS * PER_USER} payments over ${USERS} users on PostgreSQL, streaming (batch ${BATCH_SIZE}, concurrency ${CONCURRENCY}) vs load-everything`,
  );
  const schema = `bench_sync_${Date.now().toString(36)}`;
  const seedStart = performance.now();
  await seed(schema);
  console.log(`  seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  const self = fileURLToPath(import.meta.url);
  const results: Measured[] = [];
  try {
    // Alternating, twice each: the machine is shared, so one run of each says little.
    for (const mode of ["baseline", "streaming", "baseline", "streaming"] as const) {
      const out = execFileSync(process.execPath, ["--import", "tsx", self, mode, schema], {
        encoding: "utf8",
        maxBuffer: 1 << 20,
      });
      const result = JSON.parse(out.trim().split("\n").at(-1) as string) as Measured;
      results.push(result);
      console.log(
        `  ${mode.padEnd(10)} ${(result.ms / 1000).toFixed(2).padStart(6)} s  ${Math.round(
          result.payments / (result.ms / 1000),
        )
          .toLocaleString("en")
          .padStart(
            9,
          )} payments/s  peak RSS +${String(result.peakRssMiB).padStart(5)} MiB  peak heap +${String(result.peakHeapMiB).padStart(5)} MiB  drifted users ${result.usersWithDrift}`,
      );
    }
  } finally {
    const pool = createPgPool({ connectionString: DATABASE_URL });
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  }
  const best = (mode: string) =>
    results.filter((r) => r.mode === mode).sort((a, b) => a.ms - b.ms)[0] as Measured;
  const streaming = best("streaming");
  const baseline = best("baseline");
  console.log(
    `  best of each: streaming ${(baseline.ms / streaming.ms).toFixed(2)}× the baseline's speed at ${((streaming.peakRssMiB / baseline.peakRssMiB) * 100).toFixed(0)} % of its peak RSS growth (${((streaming.peakHeapMiB / baseline.peakHeapMiB) * 100).toFixed(0)} % of its peak heap growth)`,
  );
}

const [mode, schema] = process.argv.slice(2);
if (mode === "streaming" || mode === "baseline") {
  console.log(JSON.stringify(await measure(mode, schema as string)));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`machine: ${describeMachine()}\n`);
  await run();
}
