import { createIdempotentProcessor } from "@lunas/core";
import {
  createPgExecutor,
  createPgPool,
  migrateCore,
  PostgresIdempotencyStore,
} from "@lunas/core/postgres";
import { runPool } from "./machine.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const KEYS = 5_000;
const CONCURRENCY = 16;

async function throughput(label: string, op: (i: number) => Promise<void>) {
  const start = performance.now();
  await runPool(KEYS, CONCURRENCY, op);
  const seconds = (performance.now() - start) / 1000;
  const perSecond = KEYS / seconds;
  console.log(`  ${label.padEnd(52)} ${perSecond.toFixed(0).padStart(7)} ops/s`);
  return perSecond;
}

/**
 * What exactly-once costs on PostgreSQL: a full claim + handler + complete per
 * new key, against the cheapest possible dedupe (one INSERT … ON CONFLICT DO
 * NOTHING) measured in the same run on the same pool.
 */
export async function run() {
  console.log(
    `idempotency: claim+complete vs INSERT … ON CONFLICT DO NOTHING (PostgreSQL, ${KEYS} new keys, ${CONCURRENCY} in flight)`,
  );
  const pool = createPgPool({ connectionString: DATABASE_URL, max: CONCURRENCY });
  const schema = `bench_idem_${Date.now().toString(36)}`;
  try {
    const executor = createPgExecutor(pool);
    await migrateCore(executor, { schema });
    await pool.query(`create table "${schema}".baseline (key text primary key)`);

    const baseline = await throughput("baseline: INSERT … ON CONFLICT DO NOTHING", (i) =>
      pool
        .query(`insert into "${schema}".baseline (key) values ($1) on conflict do nothing`, [
          `k${i}`,
        ])
        .then(() => {}),
    );

    const processor = createIdempotentProcessor({
      store: new PostgresIdempotencyStore(executor, { schema }),
    });
    const payload = { event: "payment_session.completed", amount: 150_000, currency: "IDR" };
    let effects = 0;
    const lunas = await throughput("processor.run: claim + handler + complete", async (i) => {
      await processor.run(`k${i}`, payload, async () => {
        effects++;
        return { ok: true };
      });
    });

    const replay = await throughput("processor.run on completed keys (replays)", async (i) => {
      await processor.run(`k${i}`, payload, async () => {
        effects++;
        return { ok: true };
      });
    });

    console.log(
      `  ratio claim+complete / baseline: ${(lunas / baseline).toFixed(2)}  (replay / baseline: ${(replay / baseline).toFixed(2)})`,
    );
    console.log(`  handler effects: ${effects} for ${KEYS} keys delivered twice each`);
  } finally {
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
