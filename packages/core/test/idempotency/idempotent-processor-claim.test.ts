import {
  createIdempotentProcessor,
  IdempotencyInProgressError,
  IdempotencyLeaseLostError,
  type IdempotencyStore,
  MemoryIdempotencyStore,
} from "@lunas/core";
import { ManualClock } from "@lunas/core/testing";
import { beforeEach, describe, expect, it } from "vitest";

// The processor's claim as its handler and callers meet it: renewing the
// lease, keeping the claim on a chosen error, reading a stored result, and the
// exact times it hands the store. Each case pins one line of
// idempotent-processor.ts, so a changed operator or a dropped argument fails here.

const LEASE = 10_000;
const RETENTION = 60_000;
const T0 = Date.UTC(2026, 0, 1);

/** Every store call, with its arguments, in order. */
type Call = [verb: string, ...args: unknown[]];

function recording(store: IdempotencyStore, calls: Call[]): IdempotencyStore {
  return {
    claim: (request) => {
      calls.push(["claim", request]);
      return store.claim(request);
    },
    complete: (...args) => {
      calls.push(["complete", ...args]);
      return store.complete(...args);
    },
    release: (...args) => {
      calls.push(["release", ...args]);
      return store.release(...args);
    },
    get: (key) => store.get(key),
    purgeExpired: (now) => {
      calls.push(["purgeExpired", now]);
      return store.purgeExpired(now);
    },
  };
}

let inner: MemoryIdempotencyStore;
let calls: Call[];
let store: IdempotencyStore;
let clock: ManualClock;
let holders: number;

beforeEach(() => {
  inner = new MemoryIdempotencyStore();
  calls = [];
  store = recording(inner, calls);
  clock = new ManualClock(T0);
  holders = 0;
});

const processor = () =>
  createIdempotentProcessor({
    store,
    clock,
    leaseMs: LEASE,
    retentionMs: RETENTION,
    holderId: () => `run-${++holders}`,
  });

describe("the times a run hands the store", () => {
  it("claims with now, now + leaseMs and now + retentionMs, completes with the completion time, in whole ms", async () => {
    clock.advance(0.75);
    const p = processor();
    await p.run("k", 1, async () => {
      clock.advance(2_000);
      return "done";
    });
    expect(calls.filter(([verb]) => verb !== "purgeExpired")).toEqual([
      [
        "claim",
        {
          key: "k",
          fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
          holder: "run-1",
          now: T0,
          leaseExpiresAt: T0 + LEASE,
          expiresAt: T0 + RETENTION,
        },
      ],
      ["complete", "k", "run-1", "done", T0 + 2_000 + RETENTION, T0 + 2_000],
    ]);
  });

  it("releases with the release time after the handler fails", async () => {
    const p = processor();
    const failure = new Error("router unreachable");
    await expect(
      p.run("k", 1, async () => {
        clock.advance(1_500);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(calls.at(-1)).toEqual(["release", "k", "run-1", T0 + 1_500]);
    expect(await inner.get("k")).toBeNull();
  });

  it("reports the handler's error when releasing fails too", async () => {
    const p = createIdempotentProcessor({
      store: {
        ...store,
        release: async () => {
          throw new Error("database gone");
        },
      },
      clock,
    });
    const failure = new Error("router unreachable");
    await expect(
      p.run("k", 1, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
  });

  it("uses the documented defaults: a 60 s lease, 7 days of retention, a purge at most hourly", async () => {
    const p = createIdempotentProcessor({ store, clock });
    await p.run("a", 1, async () => 1);
    expect(calls.find(([verb]) => verb === "claim")?.[1]).toMatchObject({
      leaseExpiresAt: T0 + 60_000,
      expiresAt: T0 + 7 * 24 * 60 * 60 * 1000,
    });
    clock.advance(3_600_000 - 1);
    await p.run("b", 1, async () => 1);
    clock.advance(1);
    await p.run("c", 1, async () => 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls.filter(([verb]) => verb === "purgeExpired")).toEqual([
      ["purgeExpired", T0],
      ["purgeExpired", T0 + 3_600_000],
    ]);
  });

  it("reads the system clock when given none", async () => {
    const before = Date.now();
    const p = createIdempotentProcessor({ store });
    await p.run("k", 1, async () => 1);
    const after = Date.now();
    const claimed = calls.find(([verb]) => verb === "claim")?.[1] as { now: number };
    expect(claimed.now).toBeGreaterThanOrEqual(before);
    expect(claimed.now).toBeLessThanOrEqual(after);
  });

  it("accepts a retention equal to the lease, and no less", () => {
    expect(() =>
      createIdempotentProcessor({ store, leaseMs: 5_000, retentionMs: 5_000 }),
    ).not.toThrow();
    expect(() => createIdempotentProcessor({ store, leaseMs: 5_000, retentionMs: 4_999 })).toThrow(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        message: expect.stringContaining("retentionMs"),
      }),
    );
  });
});

/** A run of key "k" whose handler has started and finishes only when told. */
async function runningUntilTold(p: ReturnType<typeof processor>) {
  let started!: () => void;
  let finish!: () => void;
  const handlerStarted = new Promise<void>((resolve) => {
    started = resolve;
  });
  const running = p.run(
    "k",
    1,
    () =>
      new Promise<void>((resolve) => {
        finish = resolve;
        started();
      }),
  );
  await handlerStarted;
  return { running, finish: () => finish() };
}

describe("answering a delivery that finds the key in progress", () => {
  it("says 1 s and the exact lease end at the lease's last millisecond", async () => {
    const p = processor();
    const { running, finish } = await runningUntilTold(p);
    clock.advance(LEASE);
    const error = await p.run("k", 1, async () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyInProgressError);
    expect(error).toMatchObject({ retryAfterSeconds: 1, leaseExpiresAt: T0 + LEASE });
    finish();
    await running;
  });

  it("rounds the seconds left up", async () => {
    const p = processor();
    const { running, finish } = await runningUntilTold(p);
    clock.advance(LEASE - 1_001);
    await expect(p.run("k", 1, async () => undefined)).rejects.toMatchObject({
      retryAfterSeconds: 2,
    });
    finish();
    await running;
  });
});

describe("renewing the lease from the handler", () => {
  it("moves the lease to leaseMs from now, so a delivery after the first lease still finds it in progress", async () => {
    const p = processor();
    const result = await p.run("k", 1, async (claim) => {
      clock.advance(5_000);
      await claim.renew();
      expect(await inner.get("k")).toMatchObject({
        status: "in_progress",
        holder: "run-1",
        leaseExpiresAt: T0 + 5_000 + LEASE,
        expiresAt: T0 + 5_000 + RETENTION,
      });
      clock.advance(LEASE - 1);
      await expect(p.run("k", 1, async () => "other")).rejects.toBeInstanceOf(
        IdempotencyInProgressError,
      );
      // Past the first lease's end but inside the renewed one: renewing again works.
      await claim.renew();
      return "mine";
    });
    expect(result).toEqual({ result: "mine", replayed: false });
    const renewal = calls.filter(([verb]) => verb === "claim")[1]?.[1];
    const first = calls.filter(([verb]) => verb === "claim")[0]?.[1] as { fingerprint: string };
    expect(renewal).toEqual({
      key: "k",
      fingerprint: first.fingerprint,
      holder: "run-1",
      now: T0 + 5_000,
      leaseExpiresAt: T0 + 5_000 + LEASE,
      expiresAt: T0 + 5_000 + RETENTION,
    });
  });

  it("works up to the lease's last millisecond before it and refuses from its end on, without touching the store", async () => {
    const p = processor();
    await p.run("early", 1, async (claim) => {
      clock.advance(LEASE - 1);
      await claim.renew();
    });
    const claimsBefore = calls.filter(([verb]) => verb === "claim").length;
    const error = await p
      .run("late", 1, async (claim) => {
        clock.advance(LEASE);
        await claim.renew();
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyLeaseLostError);
    // Only the run's own claim: a renewal at the lease's end would take the key from whoever holds it.
    expect(calls.filter(([verb]) => verb === "claim").length).toBe(claimsBefore + 1);
    // The lost run released what it held (nothing now): the key is free for the next delivery.
    expect(await inner.get("late")).toBeNull();
  });

  it("refuses when the store says another holder has the key", async () => {
    const p = processor();
    const error = await p
      .run("k", 1, async (claim) => {
        // Another instance, whose clock ran ahead, took the key over.
        await inner.release("k", "run-1");
        await inner.claim({
          key: "k",
          fingerprint: "x",
          holder: "elsewhere",
          now: T0,
          leaseExpiresAt: T0 + LEASE,
          expiresAt: T0 + RETENTION,
        });
        // The renewal itself says so, before the handler goes on to its effect.
        await expect(claim.renew()).rejects.toBeInstanceOf(IdempotencyLeaseLostError);
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyLeaseLostError);
    expect(await inner.get("k")).toMatchObject({ holder: "elsewhere" });
  });
});

describe("keeping the claim on a chosen error", () => {
  it("keeps the claim in progress when keepClaimOn answers true, passing it the handler's error", async () => {
    const p = processor();
    const lost = new Error("answer lost");
    const seen: unknown[] = [];
    await expect(
      p.run(
        "k",
        1,
        async () => {
          throw lost;
        },
        {
          keepClaimOn: (error) => {
            seen.push(error);
            return true;
          },
        },
      ),
    ).rejects.toBe(lost);
    expect(seen).toEqual([lost]);
    expect(calls.some(([verb]) => verb === "release")).toBe(false);
    expect(await inner.get("k")).toMatchObject({ status: "in_progress", holder: "run-1" });
    // Others wait for the lease, then take over.
    await expect(p.run("k", 1, async () => "again")).rejects.toBeInstanceOf(
      IdempotencyInProgressError,
    );
    clock.advance(LEASE + 1);
    expect(await p.run("k", 1, async () => "again")).toEqual({ result: "again", replayed: false });
  });

  it("releases when keepClaimOn answers false", async () => {
    const p = processor();
    await expect(
      p.run(
        "k",
        1,
        async () => {
          throw new Error("nothing made");
        },
        { keepClaimOn: () => false },
      ),
    ).rejects.toThrow("nothing made");
    expect(await inner.get("k")).toBeNull();
  });

  it("rejects run options it does not know, or a keepClaimOn that is not a function, before claiming", async () => {
    const p = processor();
    for (const options of [{ keepClaimon: () => true }, { keepClaimOn: true }]) {
      await expect(p.run("k", 1, async () => 1, options as never)).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
    }
    await expect(p.run("k", 1, "not a handler" as never)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining("handler"),
    });
    expect(calls).toEqual([]);
  });
});

describe("reading a stored result", () => {
  it("answers null for an unknown key, the in-progress record while running, the completed one after", async () => {
    const p = processor();
    expect(await p.get("k")).toBeNull();
    await p.run("k", 1, async () => {
      expect(await p.get("k")).toMatchObject({ status: "in_progress", holder: "run-1" });
      return { meeting: 42 };
    });
    expect(await p.get("k")).toMatchObject({ status: "completed", result: { meeting: 42 } });
  });

  it("answers the record through its expiry and null once it is past", async () => {
    const p = processor();
    await p.run("k", 1, async () => "kept");
    clock.advance(RETENTION);
    expect(await p.get("k")).toMatchObject({ result: "kept" });
    clock.advance(1);
    expect(await p.get("k")).toBeNull();
  });

  it("rejects a bad key with INVALID_ARGUMENT", async () => {
    await expect(processor().get("")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
