import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { JobQueue } from "@lunas/core";
import { jobQueueConformance } from "@lunas/core/conformance";
import { createPgliteBossDb, PgBossJobQueue } from "@lunas/core/pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SCHEMA = "lunas_jobs";
let dataDir: string;
let pglite: PGlite;
const backgroundErrors: unknown[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lunas-pgboss-"));
  pglite = await PGlite.create(dataDir);
});

afterAll(async () => {
  await pglite.close();
  await rm(dataDir, { recursive: true, force: true });
  expect(backgroundErrors).toEqual([]);
});

function makeQueue(db: PGlite = pglite) {
  return new PgBossJobQueue(
    { db },
    {
      schema: SCHEMA,
      pollingIntervalSeconds: 0.5,
      onError: (error) => backgroundErrors.push(error),
    },
  );
}

/** What a process exit and a new start look like for an embedded database. */
async function reopen(): Promise<void> {
  await pglite.close();
  pglite = await PGlite.create(dataDir);
}

jobQueueConformance("PgBossJobQueue on PGlite", async () => {
  let current: JobQueue = makeQueue();
  await current.start();
  return {
    queue: current,
    restart: async () => {
      await current.stop();
      await reopen();
      current = makeQueue();
      await current.start();
      return current;
    },
    settleMs: 800,
    cleanup: () => current.stop(),
  };
});

describe("PgBossJobQueue on PGlite", () => {
  it("keeps queued jobs and their singleton keys when the data directory is closed and reopened", async () => {
    const first = makeQueue();
    await first.start();
    const ids = [
      await first.enqueue("persisted", { n: 1 }),
      await first.enqueue("persisted", { n: 2 }, { singletonKey: "voucher-42" }),
      await first.enqueue("persisted", { n: 3 }, { retryLimit: 5, retryDelaySeconds: 1 }),
    ];
    expect(ids.every((id) => typeof id === "string")).toBe(true);
    await first.stop();
    await reopen();

    const second = makeQueue();
    await second.start();
    try {
      expect(
        await second.enqueue("persisted", { n: 4 }, { singletonKey: "voucher-42" }),
      ).toBeNull();
      const reread = await second.boss.getJobById("persisted", ids[2] as string);
      expect(reread).toMatchObject({
        state: "created",
        data: { n: 3 },
        retryLimit: 5,
        retryDelay: 1,
      });
      const ran: { id: string; n: number }[] = [];
      let allRan: () => void = () => {};
      const threeRan = new Promise<void>((resolve) => {
        allRan = resolve;
      });
      await second.work<{ n: number }>("persisted", async (job) => {
        ran.push({ id: job.id, n: job.data.n });
        if (ran.length === 3) allRan();
      });
      // All three jobs from before the reopen ran.
      await threeRan;
      expect(ran.map((job) => job.n).sort()).toEqual([1, 2, 3]);
      expect(ran.map((job) => job.id).sort()).toEqual([...ids].sort());
    } finally {
      await second.stop();
    }
    // The completions were written before stop() returned: nothing is left to run after another reopen.
    await reopen();
    const third = makeQueue();
    await third.start();
    try {
      for (const id of ids) {
        expect((await third.boss.getJobById("persisted", id as string))?.state).toBe("completed");
      }
    } finally {
      await third.stop();
    }
  });

  it("sends parameterised SQL to query and parameterless scripts to exec", async () => {
    const calls: string[] = [];
    const db = createPgliteBossDb({
      query: (async (text: string, params?: unknown[]) => {
        calls.push(`query:${params?.length}`);
        return pglite.query(text, params);
      }) as PGlite["query"],
      exec: (async (text: string) => {
        calls.push("exec");
        return pglite.exec(text);
      }) as PGlite["exec"],
    });
    const script = await db.executeSql(
      "create temp table t_probe (v int); insert into t_probe values (7); select v from t_probe",
      [],
    );
    expect(script.rows).toEqual([{ v: 7 }]);
    const one = await db.executeSql("select $1::int + 1 as v, $2::text as nothing", [
      41,
      undefined,
    ]);
    expect(one.rows).toEqual([{ v: 42, nothing: null }]);
    await db.idle();
    expect(calls).toEqual(["exec", "query:2"]);
    await pglite.exec("drop table t_probe");
  });
});
