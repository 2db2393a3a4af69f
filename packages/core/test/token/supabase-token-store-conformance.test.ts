import { tokenStoreConformance } from "@lunas/core/conformance";
import { SupabaseTokenStore } from "@lunas/core/supabase";
import {
  createPostgrestStandIn,
  createSupabaseLikeTestSchema,
  type TestDatabase,
} from "@lunas/core/testing";
import { createClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe } from "vitest";
import { migrateTokenStore } from "./fixtures/token-migration.js";

// SupabaseTokenStore end to end: its supabase-js requests, answered by a minimal
// PostgREST stand-in as service_role, against migration 0001's tables and lease
// function on real PostgreSQL with Supabase's roles and grants. The exact wire
// format is pinned separately (supabase-token-store.test.ts).
describe("SupabaseTokenStore over PostgreSQL", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createSupabaseLikeTestSchema("tok_supa_conf");
    await migrateTokenStore(db.executor, db.schema);
  });
  afterAll(() => db.drop());

  tokenStoreConformance(
    "SupabaseTokenStore",
    async ({ clock }) => {
      const client = createClient("https://lunasproj.supabase.co", "service-role-key", {
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
        global: {
          fetch: createPostgrestStandIn({ ...db, role: "service_role" }),
        },
      });
      return {
        store: new SupabaseTokenStore(client, { clock }),
        cleanup: async () => {
          await db.executor.exec(
            `delete from "${db.schema}".lunas_tokens; delete from "${db.schema}".lunas_tokens_leases`,
          );
        },
      };
    },
    { leases: true },
  );
});
