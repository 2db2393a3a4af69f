import {
  type IdempotencyStore,
  InvalidArgumentError,
  MemoryIdempotencyStore,
  MemoryTokenStore,
  parseInput,
  realSleep,
  systemClock,
} from "@lunas/core";
import { createPgExecutor, createPgPool } from "@lunas/core/postgres";
import { ManualClock } from "@lunas/core/testing";
import {
  callableSchema,
  clockSchema,
  idempotencyStoreSchema,
  portSchema,
  sleepSchema,
  sqlExecutorSchema,
  tokenStoreSchema,
} from "@lunas/core/validation";
import { describe, expect, it } from "vitest";
import { z } from "zod";

/** Parses `{ field: value }` the way public functions do and returns the error, if any. */
function refusal(schema: z.ZodType, value: unknown): InvalidArgumentError | undefined {
  try {
    parseInput(z.object({ field: schema }), { field: value }, "test options");
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
  }
}

function expectRefused(schema: z.ZodType, value: unknown, message: string) {
  const error = refusal(schema, value);
  expect(error, `expected ${String(value)} to be refused`).toBeDefined();
  expect(error?.code).toBe("INVALID_ARGUMENT");
  expect(error?.issues).toEqual([`field: ${message}`]);
  expect(error?.message).toBe(`Invalid test options: field: ${message}`);
}

const noop = () => undefined;
const asyncNoop = async () => undefined;

describe("clockSchema", () => {
  it("accepts the system clock, a ManualClock and a plain object with now()", () => {
    for (const clock of [systemClock, new ManualClock(), { now: () => 1 }]) {
      expect(refusal(clockSchema, clock)).toBeUndefined();
    }
  });

  it("refuses anything that is not an object with now(), naming the field", () => {
    const nowAsProperty = Object.assign(() => 1, { now: () => 1 });
    for (const bad of [undefined, null, 0, "now", {}, { now: 1 }, Date, nowAsProperty]) {
      expectRefused(clockSchema, bad, "must be a Clock (an object with now())");
    }
  });
});

describe("sleepSchema", () => {
  it("accepts realSleep and a ManualClock's sleep", () => {
    expect(refusal(sleepSchema, realSleep)).toBeUndefined();
    expect(refusal(sleepSchema, new ManualClock().sleep)).toBeUndefined();
  });

  it("refuses what is not a function", () => {
    for (const bad of [undefined, null, 10, { sleep: realSleep }]) {
      expectRefused(sleepSchema, bad, "must be a Sleep function (ms, signal?) => Promise<void>");
    }
  });
});

describe("callableSchema", () => {
  it("accepts functions of any kind", () => {
    for (const fn of [noop, asyncNoop, class {}, Math.random]) {
      expect(refusal(callableSchema(), fn)).toBeUndefined();
    }
  });

  it("refuses non-functions with the default or the given message", () => {
    expectRefused(callableSchema(), { call: noop }, "must be a function");
    expectRefused(
      callableSchema("must be a function (signal) => Promise"),
      "x",
      "must be a function (signal) => Promise",
    );
  });
});

describe("portSchema", () => {
  interface Greeter {
    greet(name: string): string;
    wave(): void;
  }
  const greeterSchema = portSchema<Greeter>("Greeter", ["greet", "wave"]);

  it("accepts plain objects and class instances whose methods sit on the prototype", () => {
    class ClassGreeter implements Greeter {
      greet(name: string) {
        return `hi ${name}`;
      }
      wave() {}
    }
    expect(refusal(greeterSchema, new ClassGreeter())).toBeUndefined();
    expect(refusal(greeterSchema, { greet: () => "hi", wave: noop })).toBeUndefined();
  });

  it("refuses a missing or non-function method, a function and null with the port and its methods", () => {
    const message = "must implement Greeter (greet, wave)";
    for (const bad of [
      { greet: () => "hi" },
      { greet: () => "hi", wave: true },
      Object.assign(noop, { greet: noop, wave: noop }),
      null,
      undefined,
      "Greeter",
    ]) {
      expectRefused(greeterSchema, bad, message);
    }
  });
});

describe("ports of @lunas/core", () => {
  it("idempotencyStoreSchema accepts MemoryIdempotencyStore and refuses a store missing a verb", () => {
    const store = new MemoryIdempotencyStore();
    expect(refusal(idempotencyStoreSchema, store)).toBeUndefined();
    const withoutPurge: Partial<IdempotencyStore> = {
      claim: store.claim.bind(store),
      complete: store.complete.bind(store),
      release: store.release.bind(store),
      get: store.get.bind(store),
    };
    expectRefused(
      idempotencyStoreSchema,
      withoutPurge,
      "must implement IdempotencyStore (claim, complete, release, get, purgeExpired)",
    );
  });

  it("tokenStoreSchema wants get, set, delete, compareAndDelete and both lease verbs or neither", () => {
    const message =
      "must implement TokenStore (get, set, delete, compareAndDelete; acquireLease and releaseLease together)";
    const basic = {
      get: asyncNoop,
      set: asyncNoop,
      delete: asyncNoop,
      compareAndDelete: asyncNoop,
    };
    expect(refusal(tokenStoreSchema, new MemoryTokenStore())).toBeUndefined();
    expect(refusal(tokenStoreSchema, basic)).toBeUndefined();
    expect(
      refusal(tokenStoreSchema, { ...basic, acquireLease: asyncNoop, releaseLease: asyncNoop }),
    ).toBeUndefined();
    expectRefused(tokenStoreSchema, { ...basic, acquireLease: asyncNoop }, message);
    expectRefused(tokenStoreSchema, { ...basic, releaseLease: asyncNoop }, message);
    expectRefused(tokenStoreSchema, { get: asyncNoop, set: asyncNoop }, message);
    // Without it a rejected token could only be dropped by key, racing a newer one.
    expectRefused(tokenStoreSchema, { get: asyncNoop, set: asyncNoop, delete: asyncNoop }, message);
  });

  it("sqlExecutorSchema accepts a pg executor and refuses one with only query()", async () => {
    // The pool connects lazily, so nothing reaches a database here.
    const pool = createPgPool({ connectionString: "postgres://127.0.0.1:1/none" });
    try {
      expect(refusal(sqlExecutorSchema, createPgExecutor(pool))).toBeUndefined();
    } finally {
      await pool.end();
    }
    expectRefused(
      sqlExecutorSchema,
      { query: asyncNoop },
      "must implement SqlExecutor (query, exec, transaction)",
    );
  });
});
