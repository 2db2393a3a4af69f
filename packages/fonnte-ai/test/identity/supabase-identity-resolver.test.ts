import {
  createPostgrestStandIn,
  createSupabaseLikeTestSchema,
  type TestDatabase,
} from "@lunas/core/testing";
import { identityResolverConformance } from "@lunas/fonnte-ai/conformance";
import { SupabaseIdentityResolver } from "@lunas/fonnte-ai/supabase";
import { createClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUsersTable } from "./users-table.js";

// SupabaseIdentityResolver end to end: its supabase-js requests answered by the
// PostgREST stand-in as service_role, on the real PostgreSQL server.
describe("SupabaseIdentityResolver over PostgreSQL", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createSupabaseLikeTestSchema("fonnte_supa_identity");
  });
  afterAll(() => db.drop());

  const client = () =>
    createClient("https://lunasproj.supabase.co", "service-role-key", {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      global: { fetch: createPostgrestStandIn({ ...db, role: "service_role" }) },
    });

  identityResolverConformance("SupabaseIdentityResolver", async ({ users }) => {
    await createUsersTable(db.executor, db.schema, users);
    await db.executor.exec(`grant all on "${db.schema}".users to service_role`);
    return {
      resolver: new SupabaseIdentityResolver(client()),
      cleanup: async () => {
        await db.executor.query(`drop table "${db.schema}".users`);
      },
    };
  });

  it("refuses a client that is not one and misspelt options", () => {
    expect(() => new SupabaseIdentityResolver({} as never)).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
    expect(() => new SupabaseIdentityResolver(client(), { tabel: "users" } as never)).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });
});
