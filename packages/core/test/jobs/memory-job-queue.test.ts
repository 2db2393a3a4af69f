import {
  InvalidArgumentError,
  JobQueueNotRunningError,
  MemoryJobQueue,
  WorkerAlreadyRegisteredError,
} from "@lunas/core";
import { jobQueueConformance } from "@lunas/core/conformance";
import { ManualClock } from "@lunas/core/testing";
import { describe, expect, it } from "vitest";

jobQueueConformance("MemoryJobQueue", async () => {
  const queue = new MemoryJobQueue();
  await queue.start();
  return {
    queue,
    // Memory keeps jobs across stop()/start() of the same instance, not across processes.
    restart: async () => {
      await queue.stop();
      await queue.start();
      return queue;
    },
    settleMs: 30,
    cleanup: () => queue.stop(),
  };
});

// Promise.withResolvers arrives in Node 22; core supports Node 20.
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function manualQueue(random = () => 0.5) {
  const clock = new ManualClock();
  const queue = new MemoryJobQueue({ clock, sleep: clock.sleep, random });
  await queue.start();
  return { clock, queue };
}

/** A handler that records when (clock ms) it ran and fails the first `failures` times. */
function flakyHandler(clock: ManualClock, failures: number) {
  const runs: number[] = [];
  const handler = async () => {
    runs.push(clock.now());
    if (runs.length <= failures) throw new Error(`failure ${runs.length}`);
  };
  return { runs, handler };
}

describe("MemoryJobQueue with a ManualClock", () => {
  it("retries with pg-boss's backoff: d*(1+r), 2d*(1+r), 4d*(1+r)", async () => {
    const { clock, queue } = await manualQueue(() => 0.5);
    const t0 = clock.now();
    const { runs, handler } = flakyHandler(clock, 10);
    await queue.work("backoff", handler);
    const id = await queue.enqueue("backoff", {}, { retryLimit: 3, retryDelaySeconds: 10 });
    await queue.drain();
    expect(runs).toEqual([t0]);

    clock.advance(14_999);
    await queue.drain();
    expect(runs).toHaveLength(1);
    clock.advance(1);
    await queue.drain();
    expect(runs).toEqual([t0, t0 + 15_000]);

    clock.advance(30_000);
    await queue.drain();
    expect(runs).toEqual([t0, t0 + 15_000, t0 + 45_000]);

    clock.advance(60_000);
    await queue.drain();
    expect(runs).toEqual([t0, t0 + 15_000, t0 + 45_000, t0 + 105_000]);

    clock.advance(10 * 86_400_000);
    await queue.drain();
    expect(runs).toHaveLength(4);
    const [job] = queue.listJobs("backoff");
    expect(job).toMatchObject({ id, state: "failed", retryCount: 3, retryLimit: 3 });
    expect(job?.lastError).toMatchObject({ message: "failure 4" });
    await queue.stop();
  });

  it("retries after a fixed delay without backoff and completes on success", async () => {
    const { clock, queue } = await manualQueue();
    const t0 = clock.now();
    const { runs, handler } = flakyHandler(clock, 2);
    await queue.work("fixed", handler);
    await queue.enqueue("fixed", { x: 1 }, { retryDelaySeconds: 7, retryBackoff: false });
    await queue.drain();
    clock.advance(7_000);
    await queue.drain();
    clock.advance(7_000);
    await queue.drain();
    expect(runs).toEqual([t0, t0 + 7_000, t0 + 14_000]);
    expect(queue.listJobs("fixed")[0]).toMatchObject({ state: "completed", retryCount: 2 });
    await queue.stop();
  });

  it("uses the port defaults: 3 retries, 5 s, backoff", async () => {
    const { clock, queue } = await manualQueue(() => 0);
    const t0 = clock.now();
    const { runs, handler } = flakyHandler(clock, 100);
    await queue.work("defaults", handler);
    await queue.enqueue("defaults", null);
    for (let i = 0; i < 8; i++) {
      await queue.drain();
      clock.advance(5_000);
    }
    await queue.drain();
    expect(runs).toEqual([t0, t0 + 5_000, t0 + 15_000, t0 + 35_000]);
    expect(queue.listJobs("defaults")[0]?.state).toBe("failed");
    await queue.stop();
  });

  it("holds a job until its startAfter", async () => {
    const { clock, queue } = await manualQueue();
    const ran: number[] = [];
    await queue.work("later", async () => {
      ran.push(clock.now());
    });
    const at = clock.now() + 60_000;
    await queue.enqueue("later", {}, { startAfter: new Date(at) });
    await queue.drain();
    expect(ran).toEqual([]);
    clock.advance(60_000);
    await queue.drain();
    expect(ran).toEqual([at]);
    await queue.stop();
  });

  it("frees the singleton key once the job started, like pg-boss's short policy", async () => {
    const { clock, queue } = await manualQueue();
    const started = deferred();
    const release = deferred();
    let calls = 0;
    await queue.work("key", async () => {
      calls++;
      if (calls === 1) {
        started.resolve();
        await release.promise;
        throw new Error("first attempt fails");
      }
    });
    const first = await queue.enqueue(
      "key",
      { n: 1 },
      { singletonKey: "k", retryDelaySeconds: 30 },
    );
    expect(first).not.toBeNull();
    await started.promise;
    expect(queue.listJobs("key")[0]?.state).toBe("active");
    // Running: a new job with the key is accepted and waits.
    const whileRunning = await queue.enqueue("key", { n: 2 }, { singletonKey: "k" });
    expect(whileRunning).not.toBeNull();
    // That one is queued now, so a third is refused.
    expect(await queue.enqueue("key", { n: 3 }, { singletonKey: "k" })).toBeNull();
    release.resolve();
    await queue.drain();
    const states = queue.listJobs("key").map((job) => [job.data, job.state]);
    expect(states).toEqual([
      [{ n: 1 }, "retry"],
      [{ n: 2 }, "completed"],
    ]);
    // The first job waits for its retry: that does not hold the key.
    expect(await queue.enqueue("key", { n: 4 }, { singletonKey: "k" })).not.toBeNull();
    await queue.drain();
    clock.advance(60_000);
    await queue.drain();
    expect(queue.listJobs("key").map((job) => job.state)).toEqual([
      "completed",
      "completed",
      "completed",
    ]);
    await queue.stop();
  });

  it("fails an attempt that runs past handlerTimeoutMs and retries it", async () => {
    const clock = new ManualClock();
    const queue = new MemoryJobQueue({ clock, sleep: clock.sleep, handlerTimeoutMs: 1_000 });
    await queue.start();
    const started = deferred();
    let calls = 0;
    await queue.work("slow", async () => {
      calls++;
      started.resolve();
      if (calls === 1) await new Promise(() => {});
    });
    await queue.enqueue("slow", {}, { retryDelaySeconds: 2, retryBackoff: false });
    await started.promise;
    clock.advance(1_000);
    await queue.drain();
    const [job] = queue.listJobs("slow");
    expect(job?.state).toBe("retry");
    expect(job?.lastError).toMatchObject({ code: "JOB_TIMEOUT" });
    clock.advance(2_000);
    await queue.drain();
    expect(calls).toBe(2);
    expect(queue.listJobs("slow")[0]?.state).toBe("completed");
    await queue.stop();
  });

  it("gives handlers a JSON copy of the data", async () => {
    const { queue } = await manualQueue();
    const data = { when: new Date(Date.UTC(2026, 0, 2)), list: [1, 2] };
    let seen: unknown;
    await queue.work("copy", async (job) => {
      seen = job.data;
    });
    await queue.enqueue("copy", data);
    await queue.drain();
    expect(seen).toEqual({ when: "2026-01-02T00:00:00.000Z", list: [1, 2] });
    await queue.stop();
  });

  it("drain resolves at once when idle and ignores queues nobody works", async () => {
    const { queue } = await manualQueue();
    await queue.drain();
    await queue.enqueue("unworked", {});
    await queue.drain();
    expect(queue.listJobs("unworked")[0]?.state).toBe("created");
    await queue.stop();
  });

  it("refuses enqueue and work before start and after stop", async () => {
    const queue = new MemoryJobQueue();
    await expect(queue.enqueue("q", {})).rejects.toBeInstanceOf(JobQueueNotRunningError);
    await expect(queue.work("q", async () => {})).rejects.toMatchObject({
      code: "JOB_QUEUE_NOT_RUNNING",
    });
    await queue.start();
    await queue.stop();
    await expect(queue.enqueue("q", {})).rejects.toBeInstanceOf(JobQueueNotRunningError);
    expect(queue.listJobs()).toEqual([]);
  });

  it("allows one handler per queue", async () => {
    const { queue } = await manualQueue();
    await queue.work("one", async () => {});
    await expect(queue.work("one", async () => {})).rejects.toBeInstanceOf(
      WorkerAlreadyRegisteredError,
    );
    await expect(queue.work("two", "nope" as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await queue.stop();
  });

  it.each([
    [{ handlerTimeoutMs: 0 }],
    [{ clock: {} }],
    [{ sleep: 1 }],
    [{ random: "x" }],
    [{ unknownOption: true }],
  ])("rejects bad options %o", (options) => {
    expect(() => new MemoryJobQueue(options as never)).toThrow(InvalidArgumentError);
  });
});
