import type { SqlExecutor } from "@lunas/core";
import { createPostgresTestSchema, type TestDatabase } from "@lunas/core/testing";
import { migrateXendit } from "@lunas/xendit/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROLES = ["anon", "authenticated", "service_role"] as const;
type Role = (typeof ROLES)[number];

class Rollback extends Error {}

/**
 * The SQL the Supabase adapter relies on, on the real PostgreSQL server with
 * Supabase's roles and default grants recreated: the migrations' guarded
 * REVOKEs and row level security keep payments away from the API roles, and
 * the service role can run everything the adapter calls.
 */
describe("@lunas/xendit migrations with Supabase's roles", () => {
  let db: TestDatabase;
  let s: string;

  async function asRole<T>(role: Role, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    let result: T | undefined;
    await db.executor
      .transaction(async (tx) => {
        await tx.exec(`set local role ${role}`);
        result = await fn(tx);
        throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
    return result as T;
  }

  const denied = (role: Role, sql: string) =>
    expect(asRole(role, (tx) => tx.query(sql))).rejects.toMatchObject({ code: "42501" });

  beforeAll(async () => {
    db = await createPostgresTestSchema("xensb");
    s = `"${db.schema}"`;
    for (const role of ROLES) {
      // Roles are cluster-wide and other test files may create them at the same moment.
      await db.executor.exec(`do $$ begin
        if not exists (select 1 from pg_roles where rolname = '${role}') then
          create role ${role} nologin;
        end if;
      exception when duplicate_object or unique_violation then null;
      end $$`);
    }
    await db.executor.exec("alter role service_role bypassrls");
    await db.executor.exec(`
      grant usage on schema ${s} to anon, authenticated, service_role;
      alter default privileges in schema ${s} grant all on tables to anon, authenticated, service_role;
      alter default privileges in schema ${s} grant all on functions to anon, authenticated, service_role`);
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
    const result = await asRole("service_role", async (tx) => {
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
