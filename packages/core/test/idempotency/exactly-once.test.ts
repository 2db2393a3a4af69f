import {
  createIdempotentProcessor,
  IdempotencyInProgressError,
  type IdempotencyStore,
  type IdempotentProcessor,
  MemoryIdempotencyStore,
} from "@lunas/core";
import { migrateCore, PostgresIdempotencyStore } from "@lunas/core/postgres";
import {
  createPgliteTestDatabase,
  createPostgresTestSchema,
  ManualClock,
  type TestDatabase,
} from "@lunas/core/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const LEASE = 30_000;

interface Backend {
  store: IdempotencyStore;
  drop(): Promise<void>;
}

async function sqlBackend(db: TestDatabase): Promise<Backend> {
  await migrateCore(db.executor, { schema: db.schema });
  return {
    store: new PostgresIdempotencyStore(db.executor, { schema: db.schema }),
    drop: () => db.drop(),
  };
}

/** The provider's side: on 409 it waits a moment and delivers again, until it gets an answer. */
async function deliverUntilAnswered<T>(deliver: () => Promise<T>, counts: { inProgress: number }) {
  for (let attempt = 0; attempt < 2_000; attempt += 1) {
    try {
      return await deliver();
    } catch (error) {
      if (!(error instanceof IdempotencyInProgressError)) throw error;
      counts.inProgress += 1;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  throw new Error("no answer after 2000 deliveries");
}

describe.each([
  [
    "memory",
    async (): Promise<Backend> => ({ store: new MemoryIdempotencyStore(), drop: async () => {} }),
  ],
  ["PGlite", async () => sqlBackend(await createPgliteTestDatabase("lunas_once"))],
  ["PostgreSQL", async () => sqlBackend(await createPostgresTestSchema("idem_once"))],
])("exactly once on %s", (_name, createBackend) => {
  let backend: Backend;
  let clock: ManualClock;
  // Two processors over one store: two instances of the service behind a load balancer.
  let instances: [IdempotentProcessor, IdempotentProcessor];

  beforeAll(async () => {
    backend = await createBackend();
  });
  afterAll(() => backend.drop());
  beforeEach(() => {
    clock = new ManualClock();
    instances = [
      createIdempotentProcessor({ store: backend.store, clock, leaseMs: LEASE }),
      createIdempotentProcessor({ store: backend.store, clock, leaseMs: LEASE }),
    ];
  });

  it("100 concurrent deliveries of one key -> the handler runs once, every caller ends with the same result", async () => {
    const payload = { id: "evt_concurrent", amount: 150_000, currency: "IDR" };
    const counts = { handler: 0, inProgress: 0 };
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const handler = async () => {
      counts.handler += 1;
      // Hold the key until the other 99 have all been turned away once, so the
      // race is real on every backend, then produce a result unique to this run.
      await gate;
      return { fulfilled: true, run: counts.handler, ticket: crypto.randomUUID() };
    };
    const watch = setInterval(() => {
      if (counts.inProgress >= 99) openGate();
    }, 1);

    try {
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          deliverUntilAnswered(
            () => instances[i % 2]!.run("xendit:evt_concurrent", payload, handler),
            counts,
          ),
        ),
      );
      expect(counts.handler).toBe(1);
      expect(counts.inProgress).toBeGreaterThanOrEqual(99);
      expect(answers.filter((answer) => !answer.replayed)).toHaveLength(1);
      const [first] = answers;
      for (const answer of answers) expect(answer.result).toEqual(first?.result);
      expect(await backend.store.get("xendit:evt_concurrent")).toMatchObject({
        status: "completed",
        result: first?.result,
      });
    } finally {
      clearInterval(watch);
    }
  });

  it("the handler dies holding the claim (lease expires) -> the next delivery takes over and completes once", async () => {
    const payload = { id: "evt_crash", amount: 99_000 };
    let effects = 0;
    let started = 0;
    const fulfil = async () => {
      started += 1;
      effects += 1;
      return { voucher: "LUNAS-42" };
    };

    // Instance 0 claims the key and dies before its effect: its run never settles.
    let crashedStarted!: () => void;
    const crashedRunStarted = new Promise<void>((resolve) => {
      crashedStarted = resolve;
    });
    void instances[0].run("xendit:evt_crash", payload, () => {
      started += 1;
      crashedStarted();
      return new Promise<never>(() => {});
    });
    await crashedRunStarted;
    const orphan = await backend.store.get("xendit:evt_crash");
    expect(orphan).toMatchObject({ status: "in_progress", leaseExpiresAt: clock.now() + LEASE });

    // While the dead run's lease stands, deliveries are turned away, not run.
    clock.advance(LEASE);
    await expect(instances[1].run("xendit:evt_crash", payload, fulfil)).rejects.toMatchObject({
      code: "IDEMPOTENCY_IN_PROGRESS",
      retryAfterSeconds: 1,
    });
    expect(effects).toBe(0);

    clock.advance(1);
    expect(await instances[1].run("xendit:evt_crash", payload, fulfil)).toEqual({
      result: { voucher: "LUNAS-42" },
      replayed: false,
    });
    for (const instance of instances) {
      expect(await instance.run("xendit:evt_crash", payload, fulfil)).toEqual({
        result: { voucher: "LUNAS-42" },
        replayed: true,
      });
    }
    expect(effects).toBe(1);
    expect(started).toBe(2);
    const record = await backend.store.get("xendit:evt_crash");
    expect(record).toMatchObject({ status: "completed", result: { voucher: "LUNAS-42" } });
    expect(record?.holder).not.toBe(orphan?.holder);
  });
});
