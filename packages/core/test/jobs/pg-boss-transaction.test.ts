import { PGlite } from "@electric-sql/pglite";
import type { SqlExecutor } from "@lunas/core";
import { PgBossJobQueue } from "@lunas/core/pg-boss";
import {
  createOutboxRelay,
  createPgliteExecutor,
  createTransactionalProcessor,
  migrateCore,
} from "@lunas/core/postgres";
import { createPostgresTestSchema } from "@lunas/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

interface Setup {
  executor: SqlExecutor;
  queue: PgBossJobQueue;
  schema: string;
  /** The pg-boss schema's job table, to count what really was written. */
  jobs(): Promise<number>;
  close(): Promise<void>;
}

async function onPostgres(): Promise<Setup> {
  const db = await createPostgresTestSchema("jobtx");
  await migrateCore(db.executor, { schema: db.schema });
  const bossSchema = `${db.schema}_boss`;
  const queue = new PgBossJobQueue(
    { connectionString: db.connectionString as string },
    { schema: bossSchema, pollingIntervalSeconds: 0.5 },
  );
  await queue.start();
  return {
    executor: db.executor,
    queue,
    schema: db.schema,
    jobs: async () =>
      (
        await db.executor.query<{ n: number }>(
          `select count(*)::int as n from "${bossSchema}".job where name = 'fulfil'`,
        )
      ).rows[0]?.n ?? -1,
    close: async () => {
      await queue.stop();
      await db.executor.exec(`drop schema if exists "${bossSchema}" cascade`);
      await db.drop();
    },
  };
}

async function onPglite(): Promise<Setup> {
  const pglite = await PGlite.create();
  const executor = createPgliteExecutor(pglite);
  await migrateCore(executor);
  // One connection: a queue used inside a transaction is created at start.
  const queue = new PgBossJobQueue(
    { db: pglite },
    { pollingIntervalSeconds: 0.5, queues: ["fulfil"] },
  );
  await queue.start();
  return {
    executor,
    queue,
    schema: "public",
    jobs: async () =>
      (
        await executor.query<{ n: number }>(
          `select count(*)::int as n from pgboss.job where name = 'fulfil'`,
        )
      ).rows[0]?.n ?? -1,
    close: async () => {
      await queue.stop();
      await pglite.close();
    },
  };
}

it("on PGlite, enqueueing inside a transaction to a queue not created yet is refused, not a hang", {
  timeout: 120_000,
}, async () => {
  const pglite = await PGlite.create();
  const queue = new PgBossJobQueue({ db: pglite }, { pollingIntervalSeconds: 0.5 });
  await queue.start();
  try {
    await expect(
      createPgliteExecutor(pglite).transaction((tx) =>
        queue.enqueue("undeclared", {}, { transaction: tx }),
      ),
    ).rejects.toMatchObject({ code: "JOB_QUEUE_TRANSACTION_UNSUPPORTED" });
  } finally {
    await queue.stop();
    await pglite.close();
  }
});

describe.each([
  ["PostgreSQL", onPostgres],
  ["PGlite", onPglite],
])("PgBossJobQueue.enqueue inside a transaction on %s", (_name, create) => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await create();
  });
  afterAll(() => setup.close());

  it("the job exists once the transaction commits, and not at all when it rolls back", async () => {
    const before = await setup.jobs();
    await expect(
      setup.executor.transaction(async (tx) => {
        await setup.queue.enqueue("fulfil", { order: "rolled-back" }, { transaction: tx });
        throw new Error("abort the payment");
      }),
    ).rejects.toThrow("abort the payment");
    expect(await setup.jobs()).toBe(before);

    await setup.executor.transaction(async (tx) => {
      await setup.queue.enqueue("fulfil", { order: "committed" }, { transaction: tx });
    });
    expect(await setup.jobs()).toBe(before + 1);
  });

  it("a transactional processor's handler enqueues with its payment: a throw leaves neither", async () => {
    const processor = createTransactionalProcessor({
      executor: setup.executor,
      schema: setup.schema,
    });
    const before = await setup.jobs();
    await expect(
      processor.run("pay:boss-1", {}, async (tx) => {
        await setup.queue.enqueue("fulfil", { order: "o-1" }, { transaction: tx });
        throw new Error("handler failed after enqueueing");
      }),
    ).rejects.toThrow("handler failed after enqueueing");
    expect(await setup.jobs()).toBe(before);
    await processor.run("pay:boss-1", {}, async (tx) => {
      await setup.queue.enqueue("fulfil", { order: "o-1" }, { transaction: tx });
    });
    await processor.run("pay:boss-1", {}, async () => {
      throw new Error("a replay never runs the handler");
    });
    expect(await setup.jobs()).toBe(before + 1);
  });

  it("the outbox relay moves rows into pg-boss and deletes them in one transaction", async () => {
    const processor = createTransactionalProcessor({
      executor: setup.executor,
      schema: setup.schema,
    });
    for (const key of ["pay:relay-1", "pay:relay-2", "pay:relay-3"]) {
      await processor.runStatement(
        key,
        {},
        {
          sql: "select jsonb_build_object('ok', true)",
          jobs: [{ queue: "fulfil", data: { key } }],
        },
      );
    }
    const before = await setup.jobs();
    const relay = createOutboxRelay({
      executor: setup.executor,
      queue: setup.queue,
      schema: setup.schema,
      batchSize: 2,
    });
    expect(await relay.drain()).toBe(3);
    expect(await relay.drain()).toBe(0);
    expect(await setup.jobs()).toBe(before + 3);
  });
});
