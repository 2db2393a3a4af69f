import { InvalidArgumentError, MemoryIdempotencyStore, type SqlExecutor } from "@lunas/core";
import * as main from "@lunas/xendit";
import * as conformance from "@lunas/xendit/conformance";
import * as postgres from "@lunas/xendit/postgres";
import * as supabase from "@lunas/xendit/supabase";
import * as testing from "@lunas/xendit/testing";
import { afterAll, describe, expect, it } from "vitest";

/** Records every statement, so a refused option can be shown to have touched nothing. */
const queries: string[] = [];
const executor: SqlExecutor = {
  query: async (sql: string) => {
    queries.push(sql);
    return { rows: [], rowCount: 0 };
  },
  exec: async (sql: string) => {
    queries.push(sql);
  },
  transaction: async (work) => work(executor),
} as SqlExecutor;
const supabaseClient = { rpc: () => undefined, from: () => undefined };
const store = new main.MemoryLedgerStore();
let fake: testing.FakeXenditServer | undefined;
afterAll(() => fake?.close());

type Call = () => unknown;
/** The misspelt key and a call that passes it. */
type Misspelt = [key: string, call: Call];

/**
 * Every exported function of every entry, with a call that passes one misspelt
 * option key. Functions that take no options object say why instead, so a new
 * export cannot slip past this walk unnoticed.
 */
const misspelt: Record<string, Record<string, Misspelt | string>> = {
  ".": {
    createXenditClient: [
      "timeoutMS",
      () => main.createXenditClient({ secretKey: "xnd_x", timeoutMS: 5 } as never),
    ],
    createLedger: ["clok", () => main.createLedger({ store, clok: {} } as never)],
    createXenditWebhooks: [
      "leaseMS",
      () =>
        main.createXenditWebhooks({
          verificationTokens: ["tok"],
          store: new MemoryIdempotencyStore(),
          leaseMS: 5,
        } as never),
    ],
    MemoryLedgerStore: "takes no options",
    dedupeKeyOf: "takes an event, not options",
    parseXenditWebhook: "takes a webhook body, not options",
  },
  "./postgres": {
    migrateXendit: [
      "schemma",
      () => postgres.migrateXendit(executor, { schemma: "shop" } as never),
    ],
    PostgresLedgerStore: [
      "schemma",
      () => new postgres.PostgresLedgerStore(executor, { schemma: "shop" } as never),
    ],
    xenditMigrations: "takes no arguments",
    createTransactionalXenditWebhooks: [
      "fulfilmentQeue",
      () =>
        postgres.createTransactionalXenditWebhooks({
          executor,
          verificationTokens: "tok",
          fulfilmentQeue: "fulfil",
        } as never),
    ],
  },
  "./supabase": {
    SupabaseLedgerStore: [
      "orderTable",
      () => new supabase.SupabaseLedgerStore(supabaseClient as never, { orderTable: "o" } as never),
    ],
  },
  "./testing": {
    buildPaymentSessionCompleted: [
      "orderID",
      () => testing.buildPaymentSessionCompleted({ sessionId: "ps-1", orderID: "o-1" } as never),
    ],
    buildPaymentSessionExpired: [
      "orderID",
      () => testing.buildPaymentSessionExpired({ sessionId: "ps-1", orderID: "o-1" } as never),
    ],
    buildInvoiceCallback: [
      "withMetaData",
      () =>
        testing.buildInvoiceCallback({
          invoiceId: "inv-1",
          status: "PAID",
          orderId: "o-1",
          withMetaData: true,
        } as never),
    ],
    FakeXenditServer: [
      "callbackTokn",
      () => testing.FakeXenditServer.start({ callbackTokn: "t" } as never),
    ],
  },
  "./conformance": {
    ledgerStoreConformance: "takes a name and a store factory, not options",
  },
};

async function fakeServer(): Promise<testing.FakeXenditServer> {
  fake ??= await testing.FakeXenditServer.start();
  return fake;
}

/** The options objects handed out by the factories above. */
const nested: Record<string, Misspelt> = {
  "createTransactionalXenditWebhooks ledger": [
    "ordersTabel",
    () =>
      postgres.createTransactionalXenditWebhooks({
        executor,
        verificationTokens: "tok",
        ledger: { ordersTabel: "shop_orders" },
      } as never),
  ],
  "ledger.backfill": [
    "dryrun",
    () => main.createLedger({ store }).backfill({ dryRun: true, dryrun: false } as never),
  ],
  "FakeXenditServer.deliverWebhook": [
    "timesOut",
    async () =>
      (await fakeServer()).deliverWebhook("http://127.0.0.1:9/", {}, { timesOut: 5 } as never),
  ],
  "FakeXenditServer.deliverWebhooks": [
    "tokn",
    async () =>
      (await fakeServer()).deliverWebhooks("http://127.0.0.1:9/", [{}], { tokn: "t" } as never),
  ],
  "FakeXenditServer.completeSession": [
    "paymentID",
    async () => (await fakeServer()).completeSession("ps-none", { paymentID: "py-1" } as never),
  ],
};

const entries = {
  ".": main,
  "./postgres": postgres,
  "./supabase": supabase,
  "./testing": testing,
  "./conformance": conformance,
};

async function refusal(call: Call): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("every public options object of @lunas/xendit is strict", () => {
  it("covers every exported function and class of every entry (errors aside)", () => {
    for (const [entry, exports] of Object.entries(entries)) {
      const functions = Object.entries(exports)
        .filter(([name, value]) => typeof value === "function" && !name.endsWith("Error"))
        .map(([name]) => name)
        .sort();
      expect(Object.keys(misspelt[entry] ?? {}).sort(), entry).toEqual(functions);
    }
  });

  for (const [entry, calls] of Object.entries(misspelt)) {
    for (const [name, misspelling] of Object.entries(calls)) {
      if (typeof misspelling === "string") continue;
      const [key, call] = misspelling;
      it(`${entry} ${name}: a misspelt key (${key}) is INVALID_ARGUMENT naming it`, async () => {
        const error = await refusal(call);
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as InvalidArgumentError).code).toBe("INVALID_ARGUMENT");
        expect((error as Error).message).toContain(`"${key}"`);
      });
    }
  }

  for (const [name, [key, call]] of Object.entries(nested)) {
    it(`${name}: a misspelt key (${key}) is INVALID_ARGUMENT naming it`, async () => {
      const error = await refusal(call);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toContain(`"${key}"`);
    });
  }

  it("a refused migrateXendit option runs no statement (nothing migrates into public)", async () => {
    queries.length = 0;
    await expect(postgres.migrateXendit(executor, { schemma: "shop" } as never)).rejects.toThrow(
      /schemma/,
    );
    expect(queries).toEqual([]);
  });
});
