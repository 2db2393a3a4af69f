import {
  createIdempotentProcessor,
  createWebhookProcessor,
  jwtExpiry,
  MemoryIdempotencyStore,
  MemoryTokenStore,
  parseInput,
  realSleep,
  type SqlExecutor,
} from "@lunas/core";
import { createPgliteBossDb } from "@lunas/core/pg-boss";
import {
  createPgPool,
  migrateCore,
  PostgresIdempotencyStore,
  PostgresTokenStore,
} from "@lunas/core/postgres";
import { SupabaseTokenStore } from "@lunas/core/supabase";
import { ManualClock } from "@lunas/core/testing";
import { createClient } from "@supabase/supabase-js";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const invalid = expect.objectContaining({ code: "INVALID_ARGUMENT" });

// Public functions not covered by a capability's own bad-input test.
describe("bad input to small public functions gives INVALID_ARGUMENT", () => {
  it("jwtExpiry refuses a non-string token", () => {
    for (const bad of [5, null, undefined, {}])
      expect(() => jwtExpiry(bad as never)).toThrow(invalid);
    expect(jwtExpiry("not.a.jwt")).toBeUndefined();
  });

  it("MemoryTokenStore refuses a clock that is not one", () => {
    for (const bad of [{ clock: "now" }, { clock: {} }, { clok: {} }, null]) {
      expect(() => new MemoryTokenStore(bad as never)).toThrow(invalid);
    }
  });

  it("ManualClock refuses a non-finite start and moving by a negative or non-finite amount, keeping its time", async () => {
    for (const bad of [Number.NaN, "2026", Number.POSITIVE_INFINITY]) {
      expect(() => new ManualClock(bad as never)).toThrow(invalid);
    }
    const clock = new ManualClock(1_000);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, "5"]) {
      expect(() => clock.advance(bad as never)).toThrow(invalid);
    }
    expect(clock.now()).toBe(1_000);
    await expect(clock.sleep(Number.NaN)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("createPgliteBossDb refuses what is not a PGlite database", () => {
    for (const bad of [undefined, {}, { query: async () => ({ rows: [] }) }]) {
      expect(() => createPgliteBossDb(bad as never)).toThrow(invalid);
    }
  });
});

describe("bad input to the helpers other packages build on gives INVALID_ARGUMENT", () => {
  it("realSleep rejects a bad ms or a non-signal instead of crashing the process from its timer", async () => {
    for (const ms of [Number.NaN, Number.POSITIVE_INFINITY, "5", undefined]) {
      await expect(realSleep(ms as never)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    }
    // Before the check, this rejected nothing: the timer threw on removeEventListener.
    for (const signal of [{ aborted: false }, "abort", 5]) {
      await expect(realSleep(1, signal as never)).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: expect.stringContaining("signal"),
      });
    }
    await expect(realSleep(1, new AbortController().signal)).resolves.toBeUndefined();
  });

  // The helpers' own arguments are typed and written by Lunas packages, so they
  // are not checked at run time (no validator of validators); what they check is.
  it("parseInput returns the parsed value or refuses it with INVALID_ARGUMENT naming the field", () => {
    expect(parseInput(z.number(), 1, "value")).toBe(1);
    expect(() => parseInput(z.object({ n: z.number() }), { n: "1" }, "value")).toThrow(invalid);
  });

  it("migrateCore refuses options that are not an object of known fields, before any SQL", async () => {
    // A recording executor instead of a database: "before any SQL" is then what
    // it saw, and no embedded database has to start on a busy machine.
    const seen: string[] = [];
    const recording: SqlExecutor = {
      query: async (sql) => {
        seen.push(sql);
        return { rows: [], rowCount: 0 };
      },
      exec: async (sql) => {
        seen.push(sql);
      },
      transaction: async (fn) => {
        seen.push("begin");
        return fn(recording);
      },
    };
    for (const bad of [null, 5, { schemaName: "x" }]) {
      await expect(migrateCore(recording, bad as never)).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
    }
    expect(seen).toEqual([]);
  });
});

// A misspelt option used to be dropped silently, so the function ran with the
// default: another table, a 60 s lease, the whole body as fingerprint.
describe("a misspelt option is INVALID_ARGUMENT naming it, not silently the default", () => {
  // Only the shape matters: the constructors throw before any query.
  const executor: SqlExecutor = {
    query: async () => ({ rows: [], rowCount: 0 }),
    exec: async () => {},
    transaction: async (fn) => fn(executor),
  };
  const client = createClient("http://supabase.test", "service-role-key", {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const store = new MemoryIdempotencyStore();
  const processor = createIdempotentProcessor({ store });
  const webhook = {
    processor,
    verify: () => true,
    parse: (body: unknown) => body,
    key: () => "k",
    handle: async () => {},
  };
  const misspelt = expect.objectContaining({
    code: "INVALID_ARGUMENT",
    message: expect.stringMatching(/Unrecognized key.*"(leaseMS|fingerprnt|tabel|queryTimeoutMs)"/),
  });

  it.each([
    [
      "createIdempotentProcessor",
      () => createIdempotentProcessor({ store, leaseMS: 5_000 } as never),
    ],
    [
      "createWebhookProcessor",
      () => createWebhookProcessor({ ...webhook, fingerprnt: () => 1 } as never),
    ],
    [
      "createPgPool",
      () => createPgPool({ connectionString: "postgres://x", queryTimeoutMs: 1 } as never),
    ],
    ["PostgresTokenStore", () => new PostgresTokenStore(executor, { tabel: "t" } as never)],
    [
      "PostgresIdempotencyStore",
      () => new PostgresIdempotencyStore(executor, { tabel: "t" } as never),
    ],
    ["SupabaseTokenStore", () => new SupabaseTokenStore(client, { tabel: "t" } as never)],
  ])("%s", (_name, create) => {
    expect(create).toThrow(misspelt);
  });
});
