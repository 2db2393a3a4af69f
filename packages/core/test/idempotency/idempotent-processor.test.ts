import {
  createIdempotentProcessor,
  fingerprintPayload,
  IdempotencyInProgressError,
  IdempotencyLeaseLostError,
  IdempotencyPayloadMismatchError,
  type IdempotencyStore,
  InvalidArgumentError,
  MemoryIdempotencyStore,
} from "@lunas/core";
import { migrateCore, PostgresIdempotencyStore } from "@lunas/core/postgres";
import { createPgliteTestDatabase, ManualClock, type TestDatabase } from "@lunas/core/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const LEASE = 10_000;

/** A handler that starts, says so, and finishes only when told. */
function gatedHandler<T>() {
  let signalStarted!: () => void;
  let finish!: (value: T) => void;
  const started = new Promise<void>((resolve) => {
    signalStarted = resolve;
  });
  const handler = () =>
    new Promise<T>((resolve) => {
      finish = resolve;
      signalStarted();
    });
  return { handler, started, finish: (value: T) => finish(value) };
}

describe("fingerprintPayload", () => {
  it("is the hex SHA-256 of the canonical JSON, whatever the key order", async () => {
    const a = await fingerprintPayload({ b: 1, a: { y: [1, { d: 2, c: 3 }], x: null } });
    const b = await fingerprintPayload({ a: { x: null, y: [1, { c: 3, d: 2 }] }, b: 1 });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    // sha256('{"a":1}')
    expect(await fingerprintPayload({ a: 1 })).toBe(
      "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862",
    );
  });

  it("tells different data apart, including array order", async () => {
    expect(await fingerprintPayload([1, 2])).not.toBe(await fingerprintPayload([2, 1]));
    expect(await fingerprintPayload({ a: "1" })).not.toBe(await fingerprintPayload({ a: 1 }));
  });

  it("rejects what JSON cannot represent with INVALID_ARGUMENT", async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const payload of [undefined, 10n, cyclic]) {
      await expect(fingerprintPayload(payload)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
  });
});

describe("createIdempotentProcessor", () => {
  let store: MemoryIdempotencyStore;
  let clock: ManualClock;
  let holders: number;

  beforeEach(() => {
    store = new MemoryIdempotencyStore();
    clock = new ManualClock();
    holders = 0;
  });

  const processor = (overrides: { retentionMs?: number; purgeIntervalMs?: number } = {}) =>
    createIdempotentProcessor({
      store,
      clock,
      leaseMs: LEASE,
      holderId: () => `run-${++holders}`,
      ...overrides,
    });

  it("runs the handler once and replays its stored result for the same key and payload", async () => {
    const p = processor();
    let runs = 0;
    const handler = async () => ({ run: ++runs, at: new Date(0) });
    const first = await p.run("evt_1", { amount: 5 }, handler);
    const second = await p.run("evt_1", { amount: 5 }, handler);
    // The first caller gets the stored (JSON) form too, so every caller sees one result.
    expect(first).toEqual({ result: { run: 1, at: "1970-01-01T00:00:00.000Z" }, replayed: false });
    expect(second).toEqual({ result: first.result, replayed: true });
    expect(runs).toBe(1);
    expect(await store.get("evt_1")).toMatchObject({
      status: "completed",
      holder: "run-1",
      expiresAt: clock.now() + 7 * 24 * 60 * 60 * 1000,
    });
  });

  it("purges expired records by itself, at most once per purgeIntervalMs, so the store does not grow forever", async () => {
    const p = createIdempotentProcessor({
      store,
      clock,
      leaseMs: LEASE,
      retentionMs: 60_000,
      purgeIntervalMs: 3_600_000,
    });
    await p.run("evt_old", 1, async () => "old");
    clock.advance(3_600_000);
    let purges = 0;
    const purge = store.purgeExpired.bind(store);
    store.purgeExpired = async (now) => {
      purges += 1;
      return purge(now);
    };
    await p.run("evt_new", 1, async () => "new");
    await p.run("evt_newer", 1, async () => "newer");
    await new Promise((resolve) => setImmediate(resolve));
    expect(await store.get("evt_old")).toBeNull();
    expect(await store.get("evt_new")).toMatchObject({ status: "completed", result: "new" });
    expect(purges).toBe(1);
  });

  it("works with a clock that reads fractions of a millisecond (stores keep whole ms)", async () => {
    const p = createIdempotentProcessor({ store, clock: { now: () => 1_767_225_600_000.75 } });
    expect(await p.run("evt_frac", 1, async () => "ok")).toEqual({ result: "ok", replayed: false });
    expect(await store.get("evt_frac")).toMatchObject({ status: "completed" });
  });

  it("a failing purge never fails a run", async () => {
    store.purgeExpired = async () => {
      throw new Error("database gone");
    };
    const p = processor();
    expect(await p.run("evt_1", 1, async () => "done")).toEqual({
      result: "done",
      replayed: false,
    });
  });

  it("answers in progress with the seconds left on the other run's lease", async () => {
    const p = processor();
    const gate = gatedHandler<string>();
    const running = p.run("evt_1", { a: 1 }, gate.handler);
    await gate.started;
    clock.advance(2_500);
    const error = await p.run("evt_1", { a: 1 }, async () => "never").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyInProgressError);
    expect(error).toMatchObject({ code: "IDEMPOTENCY_IN_PROGRESS", retryAfterSeconds: 8 });
    gate.finish("done");
    expect(await running).toEqual({ result: "done", replayed: false });
  });

  it("rejects the same key with another payload, while in progress and once completed", async () => {
    const p = processor();
    const gate = gatedHandler<number>();
    const running = p.run("evt_1", { a: 1 }, gate.handler);
    await gate.started;
    await expect(p.run("evt_1", { a: 2 }, async () => 2)).rejects.toBeInstanceOf(
      IdempotencyPayloadMismatchError,
    );
    gate.finish(1);
    await running;
    await expect(p.run("evt_1", { a: 2 }, async () => 2)).rejects.toMatchObject({
      code: "IDEMPOTENCY_PAYLOAD_MISMATCH",
    });
    expect((await store.get("evt_1"))?.result).toBe(1);
  });

  it("releases the claim when the handler throws, so a retry runs it again", async () => {
    const p = processor();
    let runs = 0;
    const failing = new Error("router unreachable");
    await expect(
      p.run("evt_1", null, async () => {
        runs += 1;
        throw failing;
      }),
    ).rejects.toBe(failing);
    expect(await store.get("evt_1")).toBeNull();
    expect(await p.run("evt_1", null, async () => ++runs)).toEqual({ result: 2, replayed: false });
  });

  it("reports a lost lease and keeps the taking-over run's result", async () => {
    const p = processor();
    const gate = gatedHandler<string>();
    const slow = p.run("evt_1", { a: 1 }, gate.handler);
    await gate.started;
    clock.advance(LEASE + 1);
    expect(await p.run("evt_1", { a: 1 }, async () => "fast")).toEqual({
      result: "fast",
      replayed: false,
    });
    gate.finish("slow");
    await expect(slow).rejects.toBeInstanceOf(IdempotencyLeaseLostError);
    expect((await store.get("evt_1"))?.result).toBe("fast");
  });

  it("stores no result for a handler returning undefined and replays undefined", async () => {
    const p = processor();
    expect(await p.run("evt_void", 1, async () => undefined)).toEqual({
      result: undefined,
      replayed: false,
    });
    expect(await p.run("evt_void", 1, async () => undefined)).toEqual({
      result: undefined,
      replayed: true,
    });
  });

  it("refuses a result JSON cannot carry and releases the claim", async () => {
    const p = processor();
    await expect(p.run("evt_1", 1, async () => 10n)).rejects.toMatchObject({
      code: "IDEMPOTENCY_RESULT_NOT_SERIALIZABLE",
    });
    await expect(p.run("evt_1", 1, async () => () => 1)).rejects.toMatchObject({
      code: "IDEMPOTENCY_RESULT_NOT_SERIALIZABLE",
    });
    expect(await store.get("evt_1")).toBeNull();
  });

  it("refuses a result with U+0000 (PostgreSQL's jsonb cannot store it) on every store, and releases the claim", async () => {
    const p = processor();
    let runs = 0;
    for (const result of [{ note: "a\u0000b" }, ["x", { deep: ["\u0000"] }], { "k\u0000": 1 }]) {
      await expect(
        p.run("evt_nul", 1, async () => {
          runs += 1;
          return result;
        }),
      ).rejects.toMatchObject({
        code: "IDEMPOTENCY_RESULT_NOT_SERIALIZABLE",
        message: expect.stringContaining("U+0000"),
      });
      expect(await store.get("evt_nul")).toBeNull();
    }
    expect(runs).toBe(3);
    // A backslash followed by "u0000" is ordinary text, not U+0000.
    expect(await p.run("evt_text", 1, async () => ({ note: "\\u0000" }))).toEqual({
      result: { note: "\\u0000" },
      replayed: false,
    });
  });

  it("runs a key again once its completed record has expired", async () => {
    const p = processor({ retentionMs: 60_000 });
    let runs = 0;
    await p.run("evt_1", 1, async () => ++runs);
    clock.advance(60_001);
    expect(await p.run("evt_1", 1, async () => ++runs)).toEqual({ result: 2, replayed: false });
  });

  it("rejects bad keys and payloads with INVALID_ARGUMENT before touching the store", async () => {
    const p = processor();
    for (const key of ["", "k".repeat(513), "evt_\u0000", 42 as unknown as string]) {
      await expect(p.run(key, 1, async () => 1)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    await expect(p.run("k".repeat(512), 1, async () => 1)).resolves.toMatchObject({ result: 1 });
    await expect(p.run("evt_bad", 10n, async () => 1)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect(await store.get("evt_bad")).toBeNull();
  });

  it("rejects bad options with INVALID_ARGUMENT naming the field", () => {
    const bad = [
      { store: {} as IdempotencyStore },
      { store, leaseMs: 0 },
      { store, leaseMs: 1.5 },
      { store, leaseMs: 60_000, retentionMs: 1_000 },
      { store, clock: { now: 5 } as unknown as ManualClock },
    ];
    for (const options of bad) {
      expect(() => createIdempotentProcessor(options)).toThrow(InvalidArgumentError);
    }
    expect(() => createIdempotentProcessor({ store, leaseMs: -1 })).toThrow(/leaseMs/);
  });

  it("names each run with a fresh holder by default", async () => {
    const p = createIdempotentProcessor({ store, clock });
    await p.run("a", 1, async () => 1);
    await p.run("b", 1, async () => 1);
    const [a, b] = [await store.get("a"), await store.get("b")];
    expect(a?.holder).toMatch(/^[0-9a-f-]{36}$/);
    expect(a?.holder).not.toBe(b?.holder);
  });
});

describe("createIdempotentProcessor on PostgresIdempotencyStore (PGlite)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createPgliteTestDatabase("lunas_idem_nul");
    await migrateCore(db.executor, { schema: db.schema });
  });
  afterAll(() => db.drop());

  it("refuses a U+0000 result before complete, so the claim is released rather than stuck until its lease ends", async () => {
    const store = new PostgresIdempotencyStore(db.executor, { schema: db.schema });
    const p = createIdempotentProcessor({ store, clock: new ManualClock(), leaseMs: LEASE });
    await expect(p.run("evt_nul", 1, async () => ({ note: "a\u0000b" }))).rejects.toMatchObject({
      code: "IDEMPOTENCY_RESULT_NOT_SERIALIZABLE",
    });
    expect(await store.get("evt_nul")).toBeNull();
    // The retry runs at once, not after the lease, and a clean result is stored.
    expect(await p.run("evt_nul", 1, async () => ({ note: "ab" }))).toEqual({
      result: { note: "ab" },
      replayed: false,
    });
    expect(await store.get("evt_nul")).toMatchObject({
      status: "completed",
      result: { note: "ab" },
    });
  });
});
