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

  it("turns row level security on with no policies for orders and payments", async () => {
    const { rows } = await db.executor.query<{ relname: string; relrowsecurity: boolean }>(
      `select relname, relrowsecurity from pg_class
        where relnamespace = $1::regnamespace and relname in ('orders', 'payments')
        order by relname`,
      [db.schema],
    );
    expect(rows).toEqual([
      { relname: "orders", relrowsecurity: true },
      { relname: "payments", relrowsecurity: true },
    ]);
    const policies = await db.executor.query("select 1 from pg_policies where schemaname = $1", [
      db.schema,
    ]);
    expect(policies.rows).toEqual([]);
  });

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

    it(`${role}: even when granted table access again, RLS shows 0 rows and refuses writes`, async () => {
      await db.rolledBack(async (tx) => {
        await tx.query(`insert into ${s}.orders (id, created_at) values ('o-secret', now())`);
        await tx.exec(`grant select, insert on ${s}.orders, ${s}.payments to ${role}`);
        await tx.exec(`set local role ${role}`);
        expect((await tx.query(`select * from ${s}.orders`)).rows).toEqual([]);
        await expect(
          tx.query(`insert into ${s}.orders (id, created_at) values ('o-x', now())`),
        ).rejects.toMatchObject({
          code: "42501",
          message: expect.stringContaining("row-level security"),
        });
      });
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
