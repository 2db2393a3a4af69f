import {
  createPgExecutor,
  createPgPool,
  createTransactionalProcessor,
  migrateCore,
} from "@lunas/core/postgres";
import { runPool } from "./machine.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const KEYS = 5_000;
const CONCURRENCY = 16;

interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(label: string, op: (i: number) => Promise<void>): Promise<Measured> {
  const latencies: number[] = [];
  const start = performance.now();
  await runPool(KEYS, CONCURRENCY, async (i) => {
    const began = performance.now();
    await op(i);
    latencies.push(performance.now() - began);
  });
  const perSecond = KEYS / ((performance.now() - start) / 1000);
  latencies.sort((a, b) => a - b);
  const m = { perSecond, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  console.log(
    `  ${label.padEnd(58)} ${m.perSecond.toFixed(0).padStart(7)} ops/s   p50 ${m.p50.toFixed(2)} ms   p99 ${m.p99.toFixed(2)} ms`,
  );
  return m;
}

/**
 * Webhook ingest with its guarantees (claim + payment row + fulfilment job +
 * completion, one transaction) against the cheapest dedupe there is, one
 * `INSERT … ON CONFLICT DO NOTHING`, in the same run on the same pool.
 */
export async function run() {
  console.log(
    `webhook ingest: one transaction per delivery vs INSERT … ON CONFLICT DO NOTHING (PostgreSQL, ${KEYS} keys, ${CONCURRENCY} in flight)`,
  );
  const pool = createPgPool({ connectionString: DATABASE_URL, max: CONCURRENCY });
  const schema = `bench_ingest_${Date.now().toString(36)}`;
  try {
    const executor = createPgExecutor(pool);
    await migrateCore(executor, { schema });
    await pool.query(`create table "${schema}".baseline (key text primary key)`);
    await pool.query(
      `create table "${schema}".payments (payment_id text primary key, order_id text, amount bigint not null, status text not null)`,
    );
    const processor = createTransactionalProcessor({ executor, schema });
    const payload = (i: number) => ({
      event: "payment_session.completed",
      data: { payment_id: `py_${i}`, reference_id: `order-${i}`, amount: 150_000 },
    });
    const ingest = (i: number) => ({
      sql: `insert into "${schema}".payments (payment_id, order_id, amount, status)
            values ($1 ->> 'payment_id', $1 ->> 'order_id', ($1 ->> 'amount')::bigint, 'paid')
            on conflict (payment_id) do update set status = excluded.status
            returning jsonb_build_object('payment_id', payment_id, 'order_id', order_id)`,
      args: { payment_id: `py_${i}`, order_id: `order-${i}`, amount: 150_000 },
      jobs: [{ queue: "fulfil-order", data: { orderId: `order-${i}` } }],
    });

    const baseline = await measure("baseline: INSERT … ON CONFLICT DO NOTHING", (i) =>
      pool
        .query(`insert into "${schema}".baseline (key) values ($1) on conflict do nothing`, [
          `k${i}`,
        ])
        .then(() => {}),
    );
    const fresh = await measure("runStatement: claim + payment + job + completion", (i) =>
      processor.runStatement(`xendit:py_${i}`, payload(i), ingest(i)).then(() => {}),
    );
    const replays = await measure("runStatement on completed keys (replays)", (i) =>
      processor.runStatement(`xendit:py_${i}`, payload(i), ingest(i)).then(() => {}),
    );
    const viaHandler = await measure("run: the same four writes from a handler", (i) =>
      processor
        .run(`handler:py_${i}`, payload(i), async (tx) => {
          const { sql, args } = ingest(i + KEYS);
          await tx.query(sql.replaceAll("$1 ->>", "$1::jsonb ->>"), [JSON.stringify(args)]);
          await tx.query(
            `insert into "${schema}".lunas_outbox (queue, data) values ('fulfil-order', $1::jsonb)`,
            [JSON.stringify({ orderId: `order-${i}` })],
          );
        })
        .then(() => {}),
    );

    const { rows } = await pool.query<{ payments: number; jobs: number }>(
      `select (select count(*)::int from "${schema}".payments) as payments,
              (select count(*)::int from "${schema}".lunas_outbox) as jobs`,
    );
    console.log(
      `  ratio ingest / baseline: ${(fresh.perSecond / baseline.perSecond).toFixed(2)}   replays / baseline: ${(replays.perSecond / baseline.perSecond).toFixed(2)}   handler path / baseline: ${(viaHandler.perSecond / baseline.perSecond).toFixed(2)}`,
    );
    console.log(
      `  rows: ${rows[0]?.payments} payments and ${rows[0]?.jobs} jobs for ${2 * KEYS} keys (each ingest key delivered twice)`,
    );
  } finally {
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
