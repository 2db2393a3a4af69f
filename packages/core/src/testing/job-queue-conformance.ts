import { afterEach, beforeEach, describe, it } from "vitest";
import { InvalidArgumentError } from "../errors/lunas-error.js";
import type { Job, JobQueue } from "../jobs/job-queue.js";
import { caseExpect as expect } from "./case-expect.js";

export interface JobQueueConformanceContext {
  /** A started queue. */
  queue: JobQueue;
  /**
   * Stops `queue` (as a process exit would) and resolves a new, started queue
   * over the same storage. Omit it when the adapter keeps nothing across one.
   */
  restart?: () => Promise<JobQueue>;
  /**
   * How long (ms) to keep watching that a job which used up its retries runs
   * no more: a bit more than the adapter's polling interval. Default 1 500.
   */
  settleMs?: number;
  /** Stops whatever queue is current and releases the storage. */
  cleanup(): Promise<void>;
}

const WAIT_MS = 15_000;
const POLL_MS = 20;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
async function waitUntil(what: string, condition: () => boolean, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}`);
    await pause(POLL_MS);
  }
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

let counter = 0;
/** A queue name no other test (or earlier run on the same database) uses. */
const freshQueue = (label: string) =>
  `conf-${label}-${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

interface Order {
  orderId: string;
  amount: number;
}

/**
 * The behaviour every `JobQueue` adapter promises, as a vitest suite. Call it
 * from an adapter's test file with a factory that makes a fresh, started
 * queue per test (and, when the adapter persists jobs, a `restart`).
 */
export function jobQueueConformance(
  name: string,
  factory: () => Promise<JobQueueConformanceContext>,
): void {
  describe(`JobQueue conformance: ${name}`, () => {
    let ctx: JobQueueConformanceContext;

    beforeEach(async () => {
      ctx = await factory();
    });

    afterEach(async () => {
      await ctx.cleanup();
    });

    it("delivers an enqueued job's id, queue name and data to the worker", async () => {
      const queue = freshQueue("deliver");
      const seen: Job<Order>[] = [];
      await ctx.queue.work<Order>(queue, async (job) => {
        seen.push(job);
      });
      const id = await ctx.queue.enqueue<Order>(queue, { orderId: "inv-1", amount: 125_000 });
      expect(typeof id).toBe("string");
      await waitUntil("the job reached the worker", () => seen.length === 1);
      expect(seen[0]).toEqual({ id, name: queue, data: { orderId: "inv-1", amount: 125_000 } });
    });

    it("passes any JSON value through and stores undefined as null", async () => {
      const queue = freshQueue("json");
      const seen: unknown[] = [];
      await ctx.queue.work(queue, async (job) => {
        seen.push(job.data);
      });
      const values = ["plain string", [1, "two", { three: 3 }], 42, true, { nested: { list: [] } }];
      for (const value of values) await ctx.queue.enqueue(queue, value);
      await ctx.queue.enqueue(queue, undefined);
      await waitUntil("every job reached the worker", () => seen.length === values.length + 1);
      expect(seen).toEqual(expect.arrayContaining([...values, null]));
    });

    it("refuses a second job with the same singletonKey while the first is queued", async () => {
      const queue = freshQueue("singleton");
      const first = await ctx.queue.enqueue(queue, { n: 1 }, { singletonKey: "order-7" });
      const duplicate = await ctx.queue.enqueue(queue, { n: 2 }, { singletonKey: "order-7" });
      const otherKey = await ctx.queue.enqueue(queue, { n: 3 }, { singletonKey: "order-8" });
      const unkeyedA = await ctx.queue.enqueue(queue, { n: 4 });
      const unkeyedB = await ctx.queue.enqueue(queue, { n: 5 });
      expect(first).toEqual(expect.any(String));
      expect(duplicate).toBeNull();
      expect(otherKey).toEqual(expect.any(String));
      expect(unkeyedA).toEqual(expect.any(String));
      expect(unkeyedB).toEqual(expect.any(String));
      expect(new Set([first, otherKey, unkeyedA, unkeyedB]).size).toBe(4);

      const ran: number[] = [];
      await ctx.queue.work<{ n: number }>(queue, async (job) => {
        ran.push(job.data.n);
      });
      await waitUntil("the four accepted jobs ran", () => ran.length >= 4);
      expect(ran.sort()).toEqual([1, 3, 4, 5]);
    });

    it("accepts the same singletonKey again once the first job completed", async () => {
      const queue = freshQueue("again");
      const ran: number[] = [];
      await ctx.queue.work<{ n: number }>(queue, async (job) => {
        ran.push(job.data.n);
      });
      expect(await ctx.queue.enqueue(queue, { n: 1 }, { singletonKey: "k" })).not.toBeNull();
      await waitUntil("the first job ran", () => ran.length === 1);
      const second = await ctx.queue.enqueue(queue, { n: 2 }, { singletonKey: "k" });
      expect(second).toEqual(expect.any(String));
      await waitUntil("the second job ran", () => ran.length === 2);
      expect(ran).toEqual([1, 2]);
    });

    it("retries a failing handler up to retryLimit, then stops", async () => {
      const queue = freshQueue("retry");
      const attempts: string[] = [];
      let markerRan = false;
      await ctx.queue.work<{ kind: string }>(queue, async (job) => {
        if (job.data.kind === "marker") {
          markerRan = true;
          return;
        }
        attempts.push(job.id);
        throw new Error(`attempt ${attempts.length} fails`);
      });
      const id = await ctx.queue.enqueue(
        queue,
        { kind: "always-fails" },
        { retryLimit: 2, retryDelaySeconds: 0, retryBackoff: false },
      );
      await waitUntil("the job ran 1 + retryLimit times", () => attempts.length >= 3);
      // A job enqueued after the last failure runs after any retry that was still due.
      await ctx.queue.enqueue(queue, { kind: "marker" });
      await waitUntil("the marker job ran", () => markerRan);
      await pause(ctx.settleMs ?? 1_500);
      expect(attempts).toEqual([id, id, id]);
    });

    it("runs a job once when retryLimit is 0", async () => {
      const queue = freshQueue("noretry");
      let attempts = 0;
      let markerRan = false;
      await ctx.queue.work<{ kind: string }>(queue, async (job) => {
        if (job.data.kind === "marker") {
          markerRan = true;
          return;
        }
        attempts++;
        throw new Error("fails");
      });
      await ctx.queue.enqueue(queue, { kind: "once" }, { retryLimit: 0, retryDelaySeconds: 0 });
      await waitUntil("the job ran", () => attempts === 1);
      await ctx.queue.enqueue(queue, { kind: "marker" });
      await waitUntil("the marker job ran", () => markerRan);
      await pause(ctx.settleMs ?? 1_500);
      expect(attempts).toBe(1);
    });

    it("does not run a job before its startAfter", async () => {
      const queue = freshQueue("later");
      const ran: string[] = [];
      await ctx.queue.work<{ when: string }>(queue, async (job) => {
        ran.push(job.data.when);
      });
      await ctx.queue.enqueue(
        queue,
        { when: "tomorrow" },
        { startAfter: new Date(Date.now() + 86_400_000) },
      );
      await ctx.queue.enqueue(queue, { when: "now" });
      await waitUntil("the due job ran", () => ran.length === 1);
      await pause(ctx.settleMs ?? 1_500);
      expect(ran).toEqual(["now"]);
    });

    it("stop() waits for a running handler to finish", async () => {
      const queue = freshQueue("stop");
      const started = deferred();
      const release = deferred();
      let finished = false;
      await ctx.queue.work(queue, async () => {
        started.resolve();
        await release.promise;
        finished = true;
      });
      await ctx.queue.enqueue(queue, { slow: true });
      await started.promise;
      let stopped = false;
      const stopping = ctx.queue.stop().then(() => {
        stopped = true;
      });
      await pause(50);
      expect(stopped).toBe(false);
      release.resolve();
      await stopping;
      expect(finished).toBe(true);
    });

    it("rejects bad input with InvalidArgumentError and enqueues nothing", async () => {
      const queue = freshQueue("invalid");
      const bad: [string, unknown, unknown][] = [
        ["", {}, undefined],
        ["has space", {}, undefined],
        [queue, {}, { retryLimit: -1 }],
        [queue, {}, { retryLimit: 1.5 }],
        [queue, {}, { retryDelaySeconds: 0.5 }],
        [queue, {}, { singletonKey: "" }],
        [queue, {}, { startAfter: new Date(Number.NaN) }],
        [queue, {}, { retryDelay: 5 }],
        [queue, { big: 10n }, undefined],
        [queue, () => {}, undefined],
        // PostgreSQL's text and jsonb cannot hold U+0000: refused up front on every adapter alike.
        [queue, { note: "a\u0000b" }, undefined],
        [queue, { "a\u0000b": 1 }, undefined],
        [queue, {}, { singletonKey: "order\u0000" }],
      ];
      for (const [name, data, options] of bad) {
        const error = await ctx.queue.enqueue(name, data, options as never).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, JSON.stringify({ name, options })).toBeInstanceOf(InvalidArgumentError);
      }
      await expect(ctx.queue.work("bad name!", async () => {})).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      const seen: unknown[] = [];
      await ctx.queue.work(queue, async (job) => {
        seen.push(job.data);
      });
      await ctx.queue.enqueue(queue, "the only valid job");
      await waitUntil("the valid job ran", () => seen.length === 1);
      await pause(ctx.settleMs ?? 1_500);
      expect(seen).toEqual(["the only valid job"]);
    });

    it("processes jobs enqueued before a restart after it", async (testContext) => {
      if (!ctx.restart) {
        testContext.skip("this adapter keeps no jobs across a restart");
        return;
      }
      const queue = freshQueue("restart");
      const before = [
        await ctx.queue.enqueue(queue, { n: 1 }),
        await ctx.queue.enqueue(queue, { n: 2 }, { singletonKey: "kept" }),
      ];
      const restarted = await ctx.restart();
      expect(await restarted.enqueue(queue, { n: 3 }, { singletonKey: "kept" })).toBeNull();
      const ran: Job<{ n: number }>[] = [];
      await restarted.work<{ n: number }>(queue, async (job) => {
        ran.push(job);
      });
      await waitUntil("both jobs from before the restart ran", () => ran.length === 2);
      expect(ran.map((job) => job.id).sort()).toEqual([...before].sort());
      expect(ran.map((job) => job.data.n).sort()).toEqual([1, 2]);
    });
  });
}
