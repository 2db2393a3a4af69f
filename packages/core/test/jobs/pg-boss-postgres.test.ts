import { InvalidArgumentError, type JobQueue } from "@lunas/core";
import { jobQueueConformance } from "@lunas/core/conformance";
import { PgBossJobQueue } from "@lunas/core/pg-boss";
import { createPostgresTestSchema, type TestDatabase } from "@lunas/core/testing";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let db: TestDatabase;
const backgroundErrors: unknown[] = [];

beforeAll(async () => {
  db = await createPostgresTestSchema("jobs");
});

afterAll(async () => {
  await db.drop();
  expect(backgroundErrors).toEqual([]);
});

function makeQueue() {
  return new PgBossJobQueue(
    { connectionString: db.connectionString as string },
    {
      schema: db.schema,
      pollingIntervalSeconds: 0.5,
      onError: (error) => backgroundErrors.push(error),
    },
  );
}

/**
 * Re-reads until `condition` holds, with no deadline of its own: a busy machine
 * only makes it slower, and the test's timeout still ends a wait that never would.
 */
async function pollUntil(condition: () => Promise<boolean>) {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 25));
}

jobQueueConformance("PgBossJobQueue on PostgreSQL", async () => {
  let current: JobQueue = makeQueue();
  await current.start();
  return {
    queue: current,
    restart: async () => {
      await current.stop();
      current = makeQueue();
      await current.start();
      return current;
    },
    settleMs: 800,
    cleanup: () => current.stop(),
  };
});

describe("PgBossJobQueue on PostgreSQL", () => {
  it("writes the port's retry options, startAfter and a short-policy singleton key to pg-boss", async () => {
    const queue = makeQueue();
    await queue.start();
    try {
      const startAfter = new Date(Date.now() + 3_600_000);
      const keyed = await queue.enqueue(
        "mapping",
        { a: 1 },
        {
          singletonKey: "order-1",
          retryLimit: 7,
          retryDelaySeconds: 12,
          retryBackoff: false,
          startAfter,
        },
      );
      const defaults = await queue.enqueue("mapping", { b: 2 });
      const keyedJob = await queue.boss.getJobById("mapping", keyed as string);
      const defaultJob = await queue.boss.getJobById("mapping", defaults as string);
      expect(keyedJob).toMatchObject({
        data: { a: 1 },
        state: "created",
        singletonKey: "order-1",
        retryLimit: 7,
        retryDelay: 12,
        retryBackoff: false,
        policy: "short",
      });
      expect(keyedJob?.startAfter.getTime()).toBe(startAfter.getTime());
      // An unkeyed job carries its own id as key, so the short policy never pairs it with another.
      expect(defaultJob).toMatchObject({
        singletonKey: defaults,
        retryLimit: 3,
        retryDelay: 5,
        retryBackoff: true,
      });
      expect(await queue.boss.getQueue("mapping")).toMatchObject({ policy: "short" });
    } finally {
      await queue.stop();
    }
  });

  it("leaves a job in state failed after its retries, with the handler's error", async () => {
    const queue = makeQueue();
    await queue.start();
    try {
      let attempts = 0;
      let lastAttempt: () => void = () => {};
      const attemptedTwice = new Promise<void>((resolve) => {
        lastAttempt = resolve;
      });
      await queue.work("failing", async () => {
        attempts++;
        if (attempts === 2) lastAttempt();
        throw new Error(`attempt ${attempts} failed`);
      });
      const id = (await queue.enqueue(
        "failing",
        {},
        { retryLimit: 1, retryDelaySeconds: 0, retryBackoff: false },
      )) as string;
      await attemptedTwice;
      // pg-boss records the failure just after the handler throws.
      await pollUntil(async () => (await queue.boss.getJobById("failing", id))?.state === "failed");
      const job = await queue.boss.getJobById("failing", id);
      expect(attempts).toBe(2);
      expect(job).toMatchObject({ retryCount: 1, output: { message: "attempt 2 failed" } });
    } finally {
      await queue.stop();
    }
  });

  it("refuses a queue that already exists with another policy", async () => {
    const queue = makeQueue();
    await queue.start();
    try {
      await queue.boss.createQueue("standard-made-elsewhere", {
        name: "standard-made-elsewhere",
        policy: "standard",
      });
      await expect(queue.enqueue("standard-made-elsewhere", {})).rejects.toMatchObject({
        code: "JOB_QUEUE_POLICY_MISMATCH",
      });
    } finally {
      await queue.stop();
    }
  });

  it("works on a PgBoss instance it was given and leaves that instance running on stop", async () => {
    const boss = new PgBoss({
      connectionString: db.connectionString as string,
      schema: db.schema,
      schedule: false,
    });
    boss.on("error", (error) => backgroundErrors.push(error));
    const queue = new PgBossJobQueue(boss, { pollingIntervalSeconds: 0.5 });
    await queue.start();
    const seen: unknown[] = [];
    let ran: () => void = () => {};
    const jobRan = new Promise<void>((resolve) => {
      ran = resolve;
    });
    await queue.work("shared-boss", async (job) => {
      seen.push(job.data);
      ran();
    });
    await queue.enqueue("shared-boss", { via: "instance" });
    await jobRan;
    await queue.stop();
    // Still usable by its owner.
    expect(await boss.send("shared-boss", { after: "stop" })).toEqual(expect.any(String));
    await boss.stop({ graceful: true, timeout: 2_000 });
    expect(seen).toEqual([{ via: "instance" }]);
  });

  it("hands pg-boss error events to onError instead of crashing", async () => {
    const seen: unknown[] = [];
    const queue = new PgBossJobQueue(
      { connectionString: db.connectionString as string },
      { schema: db.schema, onError: (error) => seen.push(error) },
    );
    const problem = new Error("polling failed");
    queue.boss.emit("error", problem);
    expect(seen).toEqual([problem]);
    const throwing = new PgBossJobQueue(
      { connectionString: db.connectionString as string },
      {
        schema: db.schema,
        onError: () => {
          throw new Error("logger broke");
        },
      },
    );
    expect(() => throwing.boss.emit("error", problem)).not.toThrow();
  });

  it("reports a failed start as JOB_QUEUE_START_FAILED without the password, also on a second try", async () => {
    const queue = new PgBossJobQueue(
      { connectionString: "postgres://postgres:s3cret-pw@127.0.0.1:1/postgres" },
      { onError: (error) => backgroundErrors.push(error) },
    );
    for (let i = 0; i < 2; i++) {
      const error = await queue.start().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "JOB_QUEUE_START_FAILED" });
      expect(String((error as Error).message)).not.toContain("s3cret-pw");
      expect(String(((error as Error).cause as Error).message)).not.toContain("s3cret-pw");
    }
    await expect(queue.enqueue("never", {})).rejects.toMatchObject({
      code: "JOB_QUEUE_NOT_RUNNING",
    });
  });

  it.each([
    [{ connectionString: "" }, {}],
    [{ db: { query: () => {} } }, {}],
    [{ connectionString: "postgres://x" }, { pollingIntervalSeconds: 0.1 }],
    [{ connectionString: "postgres://x" }, { schema: "Bad-Schema" }],
    [{ connectionString: "postgres://x" }, { stopTimeoutMs: 10 }],
    [{ connectionString: "postgres://x" }, { extra: true }],
  ])("rejects source %o with options %o", (source, options) => {
    expect(() => new PgBossJobQueue(source as never, options as never)).toThrow(
      InvalidArgumentError,
    );
  });

  it("rejects schema options next to a ready PgBoss instance", () => {
    const boss = new PgBoss({ connectionString: db.connectionString as string });
    expect(() => new PgBossJobQueue(boss, { schema: "other" })).toThrow(InvalidArgumentError);
  });
});

describe("PgBossJobQueue instances starting together on a fresh schema", () => {
  it("creates the same queues from four instances at once, each in its own order, without a deadlock escaping", async () => {
    const fresh = await createPostgresTestSchema("jobs_race");
    const errors: unknown[] = [];
    const names = Array.from({ length: 12 }, (_, i) => `lane-${i}`);
    const queues = [0, 1, 2, 3].map(
      (n) =>
        new PgBossJobQueue(
          { connectionString: fresh.connectionString as string },
          {
            schema: fresh.schema,
            pollingIntervalSeconds: 0.5,
            // Each instance declares the queues in another order, as instances
            // of different versions or configurations would.
            queues: n % 2 === 0 ? names : [...names].reverse(),
            onError: (error) => errors.push(error),
          },
        ),
    );
    try {
      const started = await Promise.allSettled(queues.map((queue) => queue.start()));
      expect(
        started.filter((result) => result.status === "rejected"),
        "every instance starts",
      ).toEqual([]);
      // Every queue exists once and takes jobs from any instance.
      const ids = await Promise.all(
        names.map((name, i) => (queues[i % queues.length] as PgBossJobQueue).enqueue(name, { i })),
      );
      expect(ids.every((id) => typeof id === "string")).toBe(true);
      const boss = (queues[0] as PgBossJobQueue).boss;
      const created = await Promise.all(names.map((name) => boss.getQueue(name)));
      expect(created.map((queue) => queue?.name)).toEqual(names);
      expect(errors).toEqual([]);
    } finally {
      await Promise.allSettled(queues.map((queue) => queue.stop()));
      await fresh.drop();
    }
  });
});
