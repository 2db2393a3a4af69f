import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import {
  createIdempotentProcessor,
  IdempotencyInProgressError,
  IdempotencyPayloadMismatchError,
  MemoryJobQueue,
  type SqlExecutor,
} from "@lunas/core";
import {
  createOutboxRelay,
  createPgliteExecutor,
  createTransactionalProcessor,
  enqueueInOutbox,
  migrateCore,
  PostgresIdempotencyStore,
  type TransactionalProcessor,
} from "@lunas/core/postgres";
import {
  createPgliteTestDatabase,
  createPostgresTestSchema,
  ManualClock,
  type TestDatabase,
} from "@lunas/core/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { killAfterWrites } from "../../../../test-support/kill-after-writes.js";

const child = fileURLToPath(new URL("./fixtures/ingest-child.ts", import.meta.url));
const T0 = Date.UTC(2026, 11, 2, 9, 0, 0, 0);

async function prepare(db: TestDatabase): Promise<void> {
  await migrateCore(db.executor, { schema: db.schema });
  await db.executor.exec(`
    create table "${db.schema}".payments (key text primary key, amount integer not null);
    create table "${db.schema}".effects (id serial primary key, key text not null)`);
}

async function count(executor: SqlExecutor, sql: string): Promise<number> {
  const { rows } = await executor.query<{ n: number }>(`select count(*)::int as n from ${sql}`);
  return rows[0]?.n ?? -1;
}

/** A handler that records a payment, its job and one effect row, after a real wait. */
function recordPayment(schema: string, key: string, calls: { n: number }) {
  return async (tx: SqlExecutor) => {
    calls.n += 1;
    await tx.query(`insert into "${schema}".payments (key, amount) values ($1, 150000)`, [key]);
    await enqueueInOutbox(tx, { queue: "fulfil", data: { key } }, { schema });
    await tx.query(`insert into "${schema}".effects (key) values ($1)`, [key]);
    // Long enough that the other deliveries arrive while this transaction is open.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { paymentKey: key, status: "recorded" };
  };
}

/** The one-round-trip form of the same ingest. */
function ingestStatement(schema: string, key: string) {
  return {
    sql: `with p as (
            insert into "${schema}".payments (key, amount)
            values ($1 ->> 'key', ($1 ->> 'amount')::int) returning key
          ), e as (insert into "${schema}".effects (key) select key from p returning key)
          select jsonb_build_object('paymentKey', key, 'status', 'recorded') from e`,
    args: { key, amount: 150_000 },
    jobs: [{ queue: "fulfil", data: { key } }],
  };
}

describe.each([
  ["PostgreSQL", () => createPostgresTestSchema("txp")],
  ["PGlite", () => createPgliteTestDatabase()],
])("createTransactionalProcessor on %s", (_name, createDb) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let processor: TransactionalProcessor;
  let s: string;

  // One database per backend (PGlite's start and migrations are the slow part);
  // every test starts from empty tables.
  beforeAll(async () => {
    db = await createDb();
    s = db.schema;
    await prepare(db);
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    await db.executor.exec(
      `truncate "${s}".payments, "${s}".effects, "${s}".lunas_outbox, "${s}".lunas_idempotency`,
    );
    clock = new ManualClock(T0);
    processor = createTransactionalProcessor({ executor: db.executor, schema: s, clock });
  });

  const state = async () => ({
    payments: await count(db.executor, `"${s}".payments`),
    effects: await count(db.executor, `"${s}".effects`),
    jobs: await count(db.executor, `"${s}".lunas_outbox`),
    records: await count(db.executor, `"${s}".lunas_idempotency`),
  });

  it("run: the claim, the handler's writes, its job and the completion commit together; a replay writes nothing", async () => {
    const calls = { n: 0 };
    const first = await processor.run(
      "xendit:pay_1",
      { paid: 1 },
      recordPayment(s, "pay_1", calls),
    );
    expect(first).toEqual({ result: { paymentKey: "pay_1", status: "recorded" }, replayed: false });
    expect(await state()).toEqual({ payments: 1, effects: 1, jobs: 1, records: 1 });

    const { rows: before } = await db.executor.query(
      `select xmin::text as v from "${s}".lunas_idempotency`,
    );
    const again = await processor.run(
      "xendit:pay_1",
      { paid: 1 },
      recordPayment(s, "pay_1", calls),
    );
    expect(again).toEqual({ result: { paymentKey: "pay_1", status: "recorded" }, replayed: true });
    expect(calls.n).toBe(1);
    const { rows: after } = await db.executor.query(
      `select xmin::text as v from "${s}".lunas_idempotency`,
    );
    expect(after, "the replay did not rewrite the record").toEqual(before);
    expect(await state()).toEqual({ payments: 1, effects: 1, jobs: 1, records: 1 });
  });

  it("run: 100 concurrent deliveries of one key commit the handler's transaction once and all get its result", async () => {
    const calls = { n: 0 };
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        processor.run("xendit:pay_2", { paid: 1 }, recordPayment(s, "pay_2", calls)),
      ),
    );
    expect(calls.n, "the handler ran once, never a second time").toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    for (const r of results) expect(r.result).toEqual({ paymentKey: "pay_2", status: "recorded" });
    expect(await state()).toEqual({ payments: 1, effects: 1, jobs: 1, records: 1 });
  });

  it("run: a handler that throws leaves nothing behind, and the redelivery runs it", async () => {
    const failing = async (tx: SqlExecutor) => {
      await recordPayment(s, "pay_3", { n: 0 })(tx);
      throw new Error("fulfilment refused");
    };
    await expect(processor.run("xendit:pay_3", { paid: 1 }, failing)).rejects.toThrow(
      "fulfilment refused",
    );
    expect(await state()).toEqual({ payments: 0, effects: 0, jobs: 0, records: 0 });
    const calls = { n: 0 };
    const retried = await processor.run(
      "xendit:pay_3",
      { paid: 1 },
      recordPayment(s, "pay_3", calls),
    );
    expect(retried.replayed).toBe(false);
    expect(calls.n).toBe(1);
    expect(await state()).toEqual({ payments: 1, effects: 1, jobs: 1, records: 1 });
  });

  it("run: the same key with another payload is a mismatch, and nothing runs", async () => {
    await processor.run("xendit:pay_4", { paid: 1 }, recordPayment(s, "pay_4", { n: 0 }));
    const calls = { n: 0 };
    await expect(
      processor.run("xendit:pay_4", { paid: 2 }, recordPayment(s, "pay_4", calls)),
    ).rejects.toBeInstanceOf(IdempotencyPayloadMismatchError);
    expect(calls.n).toBe(0);
  });

  it("refuses a holderId() result or clock reading a record cannot keep, before writing anything", async () => {
    const calls = { n: 0 };
    const invalid = { code: "INVALID_ARGUMENT" };
    const refusing = [
      ...["", "h".repeat(257), "holder-\u0000a"].map((holder) =>
        createTransactionalProcessor({
          executor: db.executor,
          schema: s,
          clock,
          holderId: () => holder,
        }),
      ),
      ...[Number.NaN, Number.POSITIVE_INFINITY, -1].map((reading) =>
        createTransactionalProcessor({
          executor: db.executor,
          schema: s,
          clock: { now: () => reading },
        }),
      ),
    ];
    for (const p of refusing) {
      await expect(
        p.run("xendit:pay_bad", { paid: 1 }, recordPayment(s, "pay_bad", calls)),
      ).rejects.toMatchObject(invalid);
      await expect(
        p.runStatement("xendit:pay_bad", { paid: 1 }, ingestStatement(s, "pay_bad")),
      ).rejects.toMatchObject(invalid);
    }
    expect(calls.n).toBe(0);
    expect(await state()).toEqual({ payments: 0, effects: 0, jobs: 0, records: 0 });
  });

  it("run: a key held on the lease path answers in progress; once its holder's lease ran out, the key is taken over", async () => {
    const leasePath = createIdempotentProcessor({
      store: new PostgresIdempotencyStore(db.executor, { schema: s }),
      clock,
      leaseMs: 30_000,
    });
    let release!: () => void;
    const held = leasePath.run(
      "xendit:pay_5",
      { paid: 1 },
      () => new Promise<void>((r) => (release = r)),
    );
    // Wait for the lease-path claim to be stored, by reading it (no timing guess).
    for (;;) {
      if ((await count(db.executor, `"${s}".lunas_idempotency`)) === 1) break;
      await new Promise((r) => setTimeout(r, 1));
    }
    const calls = { n: 0 };
    await expect(
      processor.run("xendit:pay_5", { paid: 1 }, recordPayment(s, "pay_5", calls)),
    ).rejects.toBeInstanceOf(IdempotencyInProgressError);
    expect(calls.n).toBe(0);
    clock.advance(30_001);
    const taken = await processor.run(
      "xendit:pay_5",
      { paid: 1 },
      recordPayment(s, "pay_5", calls),
    );
    expect(taken.replayed).toBe(false);
    expect(calls.n).toBe(1);
    release();
    await expect(held).rejects.toMatchObject({ code: "IDEMPOTENCY_LEASE_LOST" });
  });

  it("runStatement: one round trip; 100 concurrent deliveries give one payment, one effect, one job; replays write nothing", async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        processor.runStatement("xendit:pay_6", { paid: 1 }, ingestStatement(s, "pay_6")),
      ),
    );
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    for (const r of results) expect(r.result).toEqual({ paymentKey: "pay_6", status: "recorded" });
    expect(await state()).toEqual({ payments: 1, effects: 1, jobs: 1, records: 1 });
    const { rows: job } = await db.executor.query<{ queue: string; data: unknown }>(
      `select queue, data from "${s}".lunas_outbox`,
    );
    expect(job).toEqual([{ queue: "fulfil", data: { key: "pay_6" } }]);
    const version = `select xmin::text as v from "${s}".lunas_idempotency`;
    const { rows: before } = await db.executor.query(version);
    const replay = await processor.runStatement(
      "xendit:pay_6",
      { paid: 1 },
      ingestStatement(s, "pay_6"),
    );
    expect(replay.replayed).toBe(true);
    const { rows: after } = await db.executor.query(version);
    expect(after, "the replay did not rewrite the record").toEqual(before);
  });

  it("runStatement: a failing statement leaves nothing, and the redelivery runs it", async () => {
    const broken = { ...ingestStatement(s, "pay_7"), args: { key: "pay_7", amount: "lots" } };
    await expect(processor.runStatement("xendit:pay_7", { paid: 1 }, broken)).rejects.toThrow();
    expect(await state()).toEqual({ payments: 0, effects: 0, jobs: 0, records: 0 });
    const ok = await processor.runStatement(
      "xendit:pay_7",
      { paid: 1 },
      ingestStatement(s, "pay_7"),
    );
    expect(ok.replayed).toBe(false);
    expect(await state()).toEqual({ payments: 1, effects: 1, jobs: 1, records: 1 });
  });

  it("runStatement: a mismatched payload is refused; an expired record is run again", async () => {
    await processor.runStatement("xendit:pay_8", { paid: 1 }, ingestStatement(s, "pay_8"));
    await expect(
      processor.runStatement("xendit:pay_8", { paid: 2 }, ingestStatement(s, "pay_8")),
    ).rejects.toBeInstanceOf(IdempotencyPayloadMismatchError);
    clock.advance(7 * 24 * 3_600_000 + 1);
    await db.executor.query(`delete from "${s}".payments`);
    const rerun = await processor.runStatement(
      "xendit:pay_8",
      { paid: 2 },
      ingestStatement(s, "pay_8"),
    );
    expect(rerun.replayed).toBe(false);
  });

  it("the outbox relay moves each job into the queue once", async () => {
    await processor.runStatement("xendit:pay_9", { paid: 1 }, ingestStatement(s, "pay_9"));
    await processor.runStatement("xendit:pay_10", { paid: 1 }, ingestStatement(s, "pay_10"));
    const queue = new MemoryJobQueue();
    await queue.start();
    const relay = createOutboxRelay({
      executor: db.executor,
      queue,
      schema: s,
      batchSize: 1,
      queueSharesDatabase: false,
    });
    expect(await relay.drain()).toBe(2);
    expect(await relay.drain()).toBe(0);
    expect(queue.listJobs("fulfil").map((job) => job.data)).toEqual([
      { key: "pay_9" },
      { key: "pay_10" },
    ]);
    expect(await count(db.executor, `"${s}".lunas_outbox`)).toBe(0);
    await queue.stop();
  });

  it("a memory queue refuses to enqueue inside a SQL transaction rather than pretend to", async () => {
    const queue = new MemoryJobQueue();
    await queue.start();
    await expect(
      db.executor.transaction((tx) => queue.enqueue("fulfil", {}, { transaction: tx })),
    ).rejects.toMatchObject({ code: "JOB_QUEUE_TRANSACTION_UNSUPPORTED" });
    await queue.stop();
  });
});

describe("a process killed after the handler's writes, before the commit", () => {
  it("PostgreSQL: the redelivery finds nothing of it and leaves exactly one payment, one job, one effect", async () => {
    const db = await createPostgresTestSchema("txkill");
    try {
      await prepare(db);
      await killAfterWrites(child, ["postgres", db.connectionString!, db.schema, "xendit:pay_k"]);
      const s = db.schema;
      const calls = { n: 0 };
      const processor = createTransactionalProcessor({ executor: db.executor, schema: s });
      // The killed backend's transaction may take a moment to be rolled back; the
      // redelivery's claim waits for it rather than failing.
      const result = await processor.run(
        "xendit:pay_k",
        { paid: 150_000 },
        recordPayment(s, "pay_k", calls),
      );
      expect(result.replayed).toBe(false);
      expect(calls.n).toBe(1);
      expect(await count(db.executor, `"${s}".payments`)).toBe(1);
      expect(await count(db.executor, `"${s}".lunas_outbox`)).toBe(1);
      expect(await count(db.executor, `"${s}".effects`)).toBe(1);
    } finally {
      await db.drop();
    }
  });

  describe("PGlite (its data directory reopened after the kill)", () => {
    let dataDir: string;
    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), "lunas-txkill-"));
    });
    afterAll(() => rm(dataDir, { recursive: true, force: true }));

    it("the redelivery finds nothing of it and leaves exactly one payment, one job, one effect", {
      timeout: 120_000,
    }, async () => {
      const setup = await PGlite.create(dataDir);
      const setupDb: TestDatabase = {
        executor: createPgliteExecutor(setup),
        schema: "public",
        drop: () => setup.close(),
      };
      await prepare(setupDb);
      await setup.close();

      await killAfterWrites(child, ["pglite", dataDir, "public", "xendit:pay_k"]);

      const reopened = await PGlite.create(dataDir);
      try {
        const executor = createPgliteExecutor(reopened);
        expect(await count(executor, `"public".payments`), "the killed run left no payment").toBe(
          0,
        );
        const calls = { n: 0 };
        const processor = createTransactionalProcessor({ executor });
        const result = await processor.run(
          "xendit:pay_k",
          { paid: 150_000 },
          recordPayment("public", "pay_k", calls),
        );
        expect(result.replayed).toBe(false);
        expect(await count(executor, `"public".payments`)).toBe(1);
        expect(await count(executor, `"public".lunas_outbox`)).toBe(1);
        expect(await count(executor, `"public".effects`)).toBe(1);
      } finally {
        await reopened.close();
      }
    });
  });
});
