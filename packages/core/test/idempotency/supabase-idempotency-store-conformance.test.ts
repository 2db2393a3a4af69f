import { idempotencyStoreConformance } from "@lunas/core/conformance";
import { migrateCore } from "@lunas/core/postgres";
import { SupabaseIdempotencyStore } from "@lunas/core/supabase";
import {
  createPostgrestStandIn,
  createSupabaseLikeTestSchema,
  type TestDatabase,
} from "@lunas/core/testing";
import { createClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe } from "vitest";

// SupabaseIdempotencyStore end to end: its supabase-js requests, answered by a
// minimal PostgREST stand-in as service_role, against migration 0002's RPC
// functions on real PostgreSQL. The exact wire format is pinned separately
// (supabase-idempotency-store.test.ts).
describe("SupabaseIdempotencyStore over PostgreSQL", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createSupabaseLikeTestSchema("idem_supa_conf");
    await migrateCore(db.executor, { schema: db.schema });
  });
  afterAll(() => db.drop());

  idempotencyStoreConformance("SupabaseIdempotencyStore", async () => {
    const client = createClient("https://lunasproj.supabase.co", "service-role-key", {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      global: {
        fetch: createPostgrestStandIn({ ...db, role: "service_role" }),
      },
    });
    return {
      store: new SupabaseIdempotencyStore(client),
      cleanup: async () => {
        await db.executor.query(`delete from "${db.schema}".lunas_idempotency`);
      },
    };
  });
});
