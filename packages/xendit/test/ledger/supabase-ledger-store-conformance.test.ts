import {
  createPostgrestStandIn,
  createSupabaseLikeTestSchema,
  type TestDatabase,
} from "@lunas/core/testing";
import { ledgerStoreConformance } from "@lunas/xendit/conformance";
import { migrateXendit } from "@lunas/xendit/postgres";
import { SupabaseLedgerStore } from "@lunas/xendit/supabase";
import { createClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe } from "vitest";

// SupabaseLedgerStore end to end: its supabase-js requests, answered by a
// minimal PostgREST stand-in as service_role, against the migrations' tables,
// unique index and RPC functions on the real PostgreSQL server. The exact wire
// format is pinned separately (supabase-ledger-store.test.ts).
describe("SupabaseLedgerStore over PostgreSQL", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createSupabaseLikeTestSchema("xendit_supa_conf");
    await migrateXendit(db.executor, { schema: db.schema });
  });
  afterAll(() => db.drop());

  ledgerStoreConformance("SupabaseLedgerStore", async () => {
    const client = createClient("https://lunasproj.supabase.co", "service-role-key", {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      global: {
        fetch: createPostgrestStandIn({ ...db, role: "service_role" }),
      },
    });
    return {
      store: new SupabaseLedgerStore(client),
      cleanup: async () => {
        await db.executor.query(`delete from "${db.schema}".payments`);
        await db.executor.query(`delete from "${db.schema}".orders`);
      },
    };
  });
});
