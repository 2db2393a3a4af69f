import {
  createPostgrestStandIn,
  createSupabaseLikeTestSchema,
  type SupabaseLikeTestDatabase,
} from "@lunas/core/testing";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The stand-in is what the Supabase adapters' conformance runs stand on, so its
// own answers are pinned here against supabase-js and the real server.
describe("createPostgrestStandIn", () => {
  let db: SupabaseLikeTestDatabase;
  let client: SupabaseClient;
  beforeAll(async () => {
    db = await createSupabaseLikeTestSchema("postgrest_standin");
    await db.executor.exec(`
      create table "${db.schema}".items (id text primary key, n int not null, note text);
      create function "${db.schema}".items_over(p_min int) returns setof "${db.schema}".items
        language sql as $$ select * from "${db.schema}".items where n > p_min order by id $$;
      create table "${db.schema}".hidden (id text primary key);
      alter table "${db.schema}".hidden enable row level security;
    `);
    client = createClient("https://standin.supabase.co", "key", {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      global: {
        fetch: createPostgrestStandIn({ executor: db.executor, schema: db.schema, role: "anon" }),
      },
    });
  });
  afterAll(() => db.drop());

  it("refuses options it cannot use with INVALID_ARGUMENT", () => {
    for (const bad of [undefined, {}, { executor: db.executor, schema: "", role: "anon" }]) {
      expect(() => createPostgrestStandIn(bad as never)).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT" }),
      );
    }
  });

  it("inserts, upserts, filters, orders, counts, patches and deletes through supabase-js", async () => {
    const rows = [
      { id: "a", n: 1, note: null },
      { id: "b", n: 2, note: "x" },
      { id: "c", n: 3, note: "y,z" },
    ];
    expect((await client.from("items").insert(rows)).error).toBeNull();
    const upsert = await client
      .from("items")
      .upsert({ id: "a", n: 10, note: "up" }, { onConflict: "id" });
    expect(upsert.error).toBeNull();

    const filtered = await client
      .from("items")
      .select("id,n")
      .gt("n", 1)
      .not("note", "is", null)
      .in("note", ["up", "y,z"])
      .order("n", { ascending: false });
    expect(filtered.data).toEqual([
      { id: "a", n: 10 },
      { id: "c", n: 3 },
    ]);

    const counted = await client.from("items").select("*", { count: "exact", head: true });
    expect(counted.count).toBe(3);

    const patched = await client.from("items").update({ n: 20 }).eq("id", "b").select("id,n");
    expect(patched.data).toEqual([{ id: "b", n: 20 }]);

    const viaRpc = await client.rpc("items_over", { p_min: 15 });
    expect(viaRpc.data).toEqual([{ id: "b", n: 20, note: "x" }]);

    const deleted = await client.from("items").delete({ count: "exact" }).lt("n", 5);
    expect(deleted.count).toBe(1);
    const { rows: left } = await db.executor.query<{ id: string }>(
      `select id from "${db.schema}".items order by id`,
    );
    expect(left.map((row) => row.id)).toEqual(["a", "b"]);
  });

  it("answers a duplicate insert 409 with 23505, as PostgREST does", async () => {
    const again = await client.from("items").insert({ id: "a", n: 1 });
    expect(again.status).toBe(409);
    expect(again.error?.code).toBe("23505");
  });

  it("runs as the given role, so row level security applies", async () => {
    await db.executor.exec(`insert into "${db.schema}".hidden values ('secret')`);
    const read = await client.from("hidden").select("*");
    expect(read.error).toBeNull();
    expect(read.data).toEqual([]);
  });

  it("answers a filter it does not support 400 naming it, instead of ignoring it", async () => {
    const result = await client.from("items").select("*").like("note", "%x%");
    expect(result.status).toBe(400);
    expect(result.error?.message).toMatch(/unsupported filter note=like/);
  });
});
