import {
  createIdempotentProcessor,
  type IdempotencyStore,
  MemoryIdempotencyStore,
} from "@lunas/core";
import { ManualClock } from "@lunas/core/testing";
import { describe, expect, it } from "vitest";

// Stores trust what the processor gives them (the port's types say what that
// is), so the processor is where bad keys, holders, times and results are
// refused. These cases were once the conformance suite's "store refuses bad
// input" test; here they prove the processor refuses them before calling the store.
const T0 = Date.UTC(2026, 0, 1);

function recordingStore(): { store: IdempotencyStore; calls: string[] } {
  const inner = new MemoryIdempotencyStore();
  const calls: string[] = [];
  const record = (verb: string) => {
    calls.push(verb);
  };
  const store: IdempotencyStore = {
    claim: (request) => {
      record("claim");
      return inner.claim(request);
    },
    complete: (...args) => {
      record("complete");
      return inner.complete(...args);
    },
    release: (...args) => {
      record("release");
      return inner.release(...args);
    },
    get: (key) => {
      record("get");
      return inner.get(key);
    },
    purgeExpired: (now) => {
      record("purgeExpired");
      return inner.purgeExpired(now);
    },
  };
  return { store, calls };
}

const invalid = { code: "INVALID_ARGUMENT" };

describe("the idempotent processor validates before its store", () => {
  it("refuses an empty, over-long, U+0000 or non-string key without calling the store", async () => {
    const { store, calls } = recordingStore();
    const p = createIdempotentProcessor({ store, clock: new ManualClock(T0) });
    for (const key of ["", "k".repeat(513), "xendit:\u0000evt", 42 as unknown as string]) {
      await expect(p.run(key, 1, async () => 1)).rejects.toMatchObject(invalid);
      await expect(p.get(key)).rejects.toMatchObject(invalid);
    }
    expect(calls).toEqual([]);
  });

  it("refuses a handler that is not a function, saying so, without calling the store", async () => {
    const { store, calls } = recordingStore();
    const p = createIdempotentProcessor({ store, clock: new ManualClock(T0) });
    const notAHandler = "handle" as unknown as () => Promise<number>;
    await expect(p.run("evt_1", 1, notAHandler)).rejects.toMatchObject({
      ...invalid,
      message: "Invalid idempotent handler: handler: must be a function",
      issues: ["handler: must be a function"],
    });
    expect(calls).toEqual([]);
  });

  it("refuses a holderId() result that is empty, over-long or has U+0000 without calling the store", async () => {
    for (const holder of ["", "h".repeat(257), "holder-\u0000a"]) {
      const { store, calls } = recordingStore();
      const p = createIdempotentProcessor({
        store,
        clock: new ManualClock(T0),
        holderId: () => holder,
      });
      await expect(p.run("evt_1", 1, async () => 1)).rejects.toMatchObject(invalid);
      expect(calls).toEqual([]);
    }
  });

  it("refuses a clock reading that is NaN, infinite or negative without calling the store", async () => {
    for (const reading of [Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      const { store, calls } = recordingStore();
      const p = createIdempotentProcessor({ store, clock: { now: () => reading } });
      await expect(p.run("evt_1", 1, async () => 1)).rejects.toMatchObject(invalid);
      expect(calls).toEqual([]);
    }
  });

  it("refuses a BigInt, cyclic or U+0000 result before complete, and releases the claim", async () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const result of [1n, cycle, { text: "a\u0000b" }]) {
      const { store, calls } = recordingStore();
      const p = createIdempotentProcessor({ store, clock: new ManualClock(T0) });
      await expect(p.run("evt_1", 1, async () => result)).rejects.toMatchObject({
        code: "IDEMPOTENCY_RESULT_NOT_SERIALIZABLE",
      });
      expect(calls).not.toContain("complete");
      expect(calls).toContain("release");
      expect(await store.get("evt_1")).toBeNull();
    }
  });
});
