import {
  createSupabaseLikeTestSchema,
  type SupabaseApiRole,
  type SupabaseLikeTestDatabase,
} from "@lunas/core/testing";
import { migrateXendit } from "@lunas/xendit/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The SQL the Supabase adapter relies on, on the real PostgreSQL server with
 * Supabase's roles and default grants recreated: the migrations' guarded
 * REVOKEs and row level security keep payments away from the API roles, and
 * the service role can run everything the adapter calls.
 */
describe("@lunas/xendit migrations with Supabase's roles", () => {
  let db: SupabaseLikeTestDatabase;
  let s: string;

  const denied = (role: SupabaseApiRole, sql: string) =>
    expect(db.asRole(role, (tx) => tx.query(sql))).rejects.toMatchObject({ code: "42501" });

  beforeAll(async () => {
    db = await createSupabaseLikeTestSchema("xensb");
    s = `"${db.schema}"`;
    await migrateXendit(db.executor, { schema: db.schema });
  });
  afterAll(() => db.drop());

  const upsert = () =>
    `select ${s}.lunas_xendit_upsert_payment('payments', 'ps-1', 'paid', 1000, 'IDR', null, null, null, null, '{"event":"x"}'::jsonb, now()) as row`;

  for (const role of ["anon", "authenticated"] as const) {
    it(`${role} can neither read, write nor call the ledger's functions`, async () => {
      await denied(role, `select * from ${s}.payments`);
      await denied(role, `select * from ${s}.orders`);
      await denied(role, `insert into ${s}.orders (id, created_at) values ('o-x', now())`);
      await denied(role, upsert());
      await denied(
        role,
        `select * from ${s}.lunas_xendit_sessionless_order_ids('orders', 'payments')`,
      );
    });
  }

  it("service_role runs everything SupabaseLedgerStore calls", async () => {
    const result = await db.asRole("service_role", async (tx) => {
      await tx.query(`insert into ${s}.orders (id, created_at) values ('o-1', now())`);
      const row = await tx.query<{ row: { session_id: string; status: string } }>(upsert());
      await tx.query(`update ${s}.payments set order_id = 'o-1' where session_id = 'ps-1'`);
      const ids = await tx.query<{ id: string }>(
        `select * from ${s}.lunas_xendit_sessionless_order_ids('orders', 'payments') as id`,
      );
      return { row: row.rows[0]?.row, ids: ids.rows.map((r) => r.id) };
    });
    expect(result.row).toMatchObject({ session_id: "ps-1", status: "paid" });
    expect(result.ids).toEqual(["o-1"]);
  });
});
