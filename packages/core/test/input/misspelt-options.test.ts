import * as main from "@lunas/core";
import * as conformance from "@lunas/core/conformance";
import * as pgBoss from "@lunas/core/pg-boss";
import * as postgres from "@lunas/core/postgres";
import * as supabase from "@lunas/core/supabase";
import * as testing from "@lunas/core/testing";
import * as validation from "@lunas/core/validation";
import { createClient } from "@supabase/supabase-js";
import { describe, expect, it } from "vitest";

// Every exported function or class of every entry that takes an options object
// refuses a misspelt key with INVALID_ARGUMENT naming it, instead of quietly
// using the default the key was meant to change. The walk is over the real
// export lists, so a new export fails here until it is classified.

/** Never reached: validation must refuse the options before any SQL runs. */
const executor: main.SqlExecutor = {
  query: () => Promise.reject(new Error("reached SQL")),
  exec: () => Promise.reject(new Error("reached SQL")),
  transaction: () => Promise.reject(new Error("reached SQL")),
};
const supabaseClient = () =>
  createClient("https://lunasproj.supabase.co", "service-role-key", {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
const fetchToken = async () => ({ token: "t" });

// Registered at collection time, which is when the suite checks its options.
let conformanceRefusal: unknown;
describe("tokenStoreConformance with a misspelt option", () => {
  try {
    conformance.tokenStoreConformance(
      "never registered",
      async () => ({ store: new main.MemoryTokenStore(), cleanup: async () => {} }),
      { lease: true } as never,
    );
  } catch (error) {
    conformanceRefusal = error;
  }
  it("is refused before any test is registered", () => {
    expect(conformanceRefusal).toMatchObject({
      code: "INVALID_ARGUMENT",
      issues: expect.arrayContaining([expect.stringContaining("lease")]),
    });
  });
});

/** entry.export -> a call with one misspelt key, and the key. */
const withOptions: Record<string, [() => unknown, string]> = {
  "main.createJsonHttpClient": [
    () => main.createJsonHttpClient({ baseUrl: "https://api.example.test", timeoutMS: 1 } as never),
    "timeoutMS",
  ],
  "main.createTokenProvider": [
    () =>
      main.createTokenProvider({
        key: "k",
        store: new main.MemoryTokenStore(),
        fetchToken,
        refreshSkewMS: 1,
      } as never),
    "refreshSkewMS",
  ],
  "main.MemoryTokenStore": [
    () => new main.MemoryTokenStore({ clok: main.systemClock } as never),
    "clok",
  ],
  "main.createIdempotentProcessor": [
    () =>
      main.createIdempotentProcessor({
        store: new main.MemoryIdempotencyStore(),
        leaseMS: 1_000,
      } as never),
    "leaseMS",
  ],
  "main.createWebhookProcessor": [
    () =>
      main.createWebhookProcessor({
        processor: main.createIdempotentProcessor({ store: new main.MemoryIdempotencyStore() }),
        verify: () => true,
        parse: (body: unknown) => body,
        key: () => "k",
        handle: async () => null,
        maxBodyByte: 10,
      } as never),
    "maxBodyByte",
  ],
  "main.MemoryJobQueue": [
    () => new main.MemoryJobQueue({ clok: main.systemClock } as never),
    "clok",
  ],
  "main.retry": [() => main.retry(async () => 1, { retrys: 2 } as never), "retrys"],
  "main.computeBackoffDelay": [
    () => main.computeBackoffDelay(1, { baseDelay: 1 } as never),
    "baseDelay",
  ],
  "main.runMigrations": [
    () =>
      main.runMigrations(executor, {
        namespace: "n",
        migrations: [],
        schemma: "shop",
      } as never),
    "schemma",
  ],
  "postgres.PostgresTokenStore": [
    () => new postgres.PostgresTokenStore(executor, { tabel: "t" } as never),
    "tabel",
  ],
  "postgres.PostgresIdempotencyStore": [
    () => new postgres.PostgresIdempotencyStore(executor, { tabel: "t" } as never),
    "tabel",
  ],
  "postgres.createPgPool": [
    () =>
      postgres.createPgPool({
        connectionString: "postgres://127.0.0.1:1/none",
        idleTimeoutMilis: 1,
      } as never),
    "idleTimeoutMilis",
  ],
  "postgres.createTransactionalProcessor": [
    () => postgres.createTransactionalProcessor({ executor, leaseMS: 1 } as never),
    "leaseMS",
  ],
  "postgres.createOutboxRelay": [
    () =>
      postgres.createOutboxRelay({
        executor,
        queue: new main.MemoryJobQueue(),
        batchsize: 1,
      } as never),
    "batchsize",
  ],
  "postgres.enqueueInOutbox": [
    () => postgres.enqueueInOutbox(executor, { queue: "q" }, { schemma: "shop" } as never),
    "schemma",
  ],
  "postgres.migrateCore": [
    () => postgres.migrateCore(executor, { schemma: "shop" } as never),
    "schemma",
  ],
  "postgres.defineMigrations": [
    () =>
      postgres.defineMigrations({
        namespace: "@acme/widgets",
        folder: new URL("file:///widgets/migrations/"),
        nmae: "migrateWidgets",
      } as never),
    "nmae",
  ],
  "supabase.SupabaseTokenStore": [
    () => new supabase.SupabaseTokenStore(supabaseClient(), { timeoutMS: 1 } as never),
    "timeoutMS",
  ],
  "supabase.SupabaseIdempotencyStore": [
    () => new supabase.SupabaseIdempotencyStore(supabaseClient(), { timeoutMS: 1 } as never),
    "timeoutMS",
  ],
  "pgBoss.PgBossJobQueue": [
    () =>
      new pgBoss.PgBossJobQueue({ connectionString: "postgres://127.0.0.1:1/none" }, {
        schemma: "jobs",
      } as never),
    "schemma",
  ],
  "testing.FakeTokenEndpoint": [
    () => new testing.FakeTokenEndpoint({ expiresin: 60 } as never),
    "expiresin",
  ],
};

/** Exports that take no options object, or whose options are checked above by other means. */
const withoutOptions: Record<string, string> = {
  "main.InvalidArgumentError": "error class",
  "main.HttpApiError": "error class",
  "main.HttpClientError": "error class",
  "main.HttpNetworkError": "error class",
  "main.HttpResponseError": "error class",
  "main.HttpTimeoutError": "error class",
  "main.LunasError": "error class",
  "main.parseInput": "positional (schema, value, what)",
  "main.ResponseBodyTimeoutError": "error class",
  "main.readBodyWithin": "positional (response, timeoutMs, cut)",
  "validation.callableSchema": "positional (message)",
  "validation.portSchema": "positional (description, methods)",
  "validation.includesNul": "positional (text)",
  "main.fingerprintPayload": "takes a payload, not options",
  "main.IdempotencyInProgressError": "error class",
  "main.IdempotencyLeaseLostError": "error class",
  "main.IdempotencyPayloadMismatchError": "error class",
  "main.WebhookHandlerError": "error class",
  "main.IdempotencyResultNotSerializableError": "error class",
  "main.MemoryIdempotencyStore": "no constructor arguments",
  "main.JobHandlerTimeoutError": "error class",
  "main.JobQueueNotRunningError": "error class",
  "main.JobQueuePolicyError": "error class",
  "main.JobQueueStartError": "error class",
  "main.WorkerAlreadyRegisteredError": "error class",
  "main.RetryExhaustedError": "error class",
  "main.qualifiedName": "positional (schema, table)",
  "main.quoteIdentifier": "positional (name)",
  "main.MigrationError": "error class",
  "main.realSleep": "positional (ms, signal)",
  "main.TokenFetchError": "error class",
  "main.TokenFetchTimeoutError": "error class",
  "main.TokenStoreError": "error class",
  "main.jwtExpiry": "positional (token)",
  "postgres.createPgExecutor": "takes a pool",
  "postgres.createPgliteExecutor": "takes a PGlite database",
  "postgres.readMigrationsDir": "takes a URL",
  "postgres.coreMigrations": "no arguments",
  "supabase.SupabaseIdempotencyStoreError": "error class",
  "pgBoss.createPgliteBossDb": "takes a PGlite database",
  "conformance.tokenStoreConformance": "checked at collection time, above",
  "conformance.idempotencyStoreConformance": "positional (name, factory)",
  "conformance.jobQueueConformance": "positional (name, factory)",
  "conformance.caseExpect": "vitest's expect (actual, message)",
  "main.JobQueueTransactionUnsupportedError": "error class",
  "main.matchesAnySecret": "positional (received, expected)",
  "main.encodeSecrets": "positional (secrets)",
  "postgres.TransactionalProcessorError": "error class",
  "testing.FakeUnauthorizedError": "error class",
  "testing.ManualClock": "positional (start)",
  "testing.createPostgresTestSchema": "positional (prefix)",
  "testing.createPgliteTestDatabase": "positional (schema)",
  "testing.createSupabaseLikeTestSchema": "positional (prefix)",
  // Takes a spread TestDatabase ({ ...db, role }), so its other fields
  // (pool, drop, connectionString) are expected extra keys; the three it needs are checked.
  "testing.createPostgrestStandIn": "a TestDatabase spread plus role",
};

const entries = { main, postgres, supabase, pgBoss, testing, conformance, validation } as Record<
  string,
  Record<string, unknown>
>;
const exportedFunctions = Object.entries(entries).flatMap(([entry, module]) =>
  Object.entries(module)
    .filter(([, value]) => typeof value === "function")
    .map(([name]) => `${entry}.${name}`),
);

describe("misspelt options across @lunas/core's entries", () => {
  it("classifies every exported function and class", () => {
    const unclassified = exportedFunctions.filter(
      (name) => !(name in withOptions) && !(name in withoutOptions),
    );
    expect(unclassified).toEqual([]);
    const stale = [...Object.keys(withOptions), ...Object.keys(withoutOptions)].filter(
      (name) => !exportedFunctions.includes(name),
    );
    expect(stale).toEqual([]);
  });

  for (const [name, [call, key]] of Object.entries(withOptions)) {
    it(`${name} refuses the misspelt key ${key} with INVALID_ARGUMENT`, async () => {
      const outcome = await (async () => call())().then(
        (value: unknown) => ({ value }),
        (error: unknown) => ({ error }),
      );
      expect(outcome).toMatchObject({
        error: {
          code: "INVALID_ARGUMENT",
          issues: expect.arrayContaining([expect.stringContaining(key)]),
        },
      });
    });
  }
});
