import { PostgresTokenStore } from "@lunas/core/postgres";
import {
  createSupabaseLikeTestSchema,
  type SupabaseApiRole,
  type SupabaseLikeTestDatabase,
} from "@lunas/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateTokenStore } from "./fixtures/token-migration.js";

/**
 * The SQL the Supabase adapter relies on, on the real PostgreSQL server with
 * Supabase's roles and default grants recreated, so the migration's guarded
 * REVOKEs and its row level security are exercised as on Supabase.
 */
describe("migration 0001_token_store with Supabase's roles", () => {
  let db: SupabaseLikeTestDatabase;
  let s: string;
  const at = (iso: string) => new Date(iso).toISOString();

  const denied = (role: SupabaseApiRole, sql: string, params: unknown[] = []) =>
    expect(db.asRole(role, (tx) => tx.query(sql, params))).rejects.toMatchObject({
      code: "42501",
    });

  beforeAll(async () => {
    db = await createSupabaseLikeTestSchema("toksb");
    s = `"${db.schema}"`;
    await migrateTokenStore(db.executor, db.schema);
    await new PostgresTokenStore(db.executor, { schema: db.schema }).set("stored-key", {
      value: "secret-token",
      expiresAt: Date.UTC(2030, 0, 1),
    });
  });
  afterAll(() => db.drop());

  it("turns row level security on with no policies for both tables", async () => {
    const { rows } = await db.executor.query<{ relname: string; relrowsecurity: boolean }>(
      `select relname, relrowsecurity from pg_class
        where relnamespace = $1::regnamespace and relname like 'lunas_tokens%' and relkind = 'r'
        order by relname`,
      [db.schema],
    );
    expect(rows).toEqual([
      { relname: "lunas_tokens", relrowsecurity: true },
      { relname: "lunas_tokens_leases", relrowsecurity: true },
    ]);
    const policies = await db.executor.query("select 1 from pg_policies where schemaname = $1", [
      db.schema,
    ]);
    expect(policies.rows).toEqual([]);
  });

  for (const role of ["anon", "authenticated"] as const) {
    it(`${role}: the default grants were revoked, so every access is denied`, async () => {
      await denied(role, `select * from ${s}.lunas_tokens`);
      await denied(role, `select * from ${s}.lunas_tokens_leases`);
      await denied(role, `insert into ${s}.lunas_tokens values ('k', 'v', now(), now())`);
      await denied(
        role,
        `select ${s}.lunas_acquire_token_lease('lunas_tokens', 'k', 'h', $1, $2)`,
        [at("2030-01-01T00:00:30Z"), at("2030-01-01T00:00:00Z")],
      );
      await denied(role, `select ${s}.lunas_delete_token_if_value('lunas_tokens', 'k', 'v')`);
    });

    it(`${role}: even when granted table access again, RLS shows 0 rows and refuses writes`, async () => {
      await db.rolledBack(async (tx) => {
        await tx.exec(`grant select, insert on ${s}.lunas_tokens to ${role}`);
        await tx.exec(`set local role ${role}`);
        const { rows } = await tx.query(`select * from ${s}.lunas_tokens`);
        expect(rows).toEqual([]);
        await expect(
          tx.query(`insert into ${s}.lunas_tokens values ('k', 'v', now(), now())`),
        ).rejects.toMatchObject({
          code: "42501",
          message: expect.stringContaining("row-level security"),
        });
      });
    });
  }

  it("service_role reads and writes the tables", async () => {
    const rows = await db.asRole("service_role", async (tx) => {
      await tx.query(`insert into ${s}.lunas_tokens values ('service-key', 'v', $1, $1)`, [
        at("2030-01-01T00:00:00Z"),
      ]);
      return (await tx.query<{ key: string }>(`select key from ${s}.lunas_tokens order by key`))
        .rows;
    });
    expect(rows).toEqual([{ key: "service-key" }, { key: "stored-key" }]);
  });

  it("service_role takes leases atomically through the RPC function", async () => {
    const results = await db.asRole("service_role", async (tx) => {
      const call = async (holder: string, until: string, now: string) =>
        (
          await tx.query<{ acquired: boolean }>(
            `select ${s}.lunas_acquire_token_lease('lunas_tokens', 'k', $1, $2, $3) as acquired`,
            [holder, at(until), at(now)],
          )
        ).rows[0]?.acquired;
      // PostgREST's search_path is not the migration's: the function must not depend on it.
      await tx.exec("set local search_path to public");
      return [
        await call("a", "2030-01-01T00:00:30Z", "2030-01-01T00:00:00Z"),
        await call("b", "2030-01-01T00:00:30Z", "2030-01-01T00:00:10Z"),
        await call("a", "2030-01-01T00:01:00Z", "2030-01-01T00:00:20Z"),
        await call("b", "2030-01-01T00:02:00Z", "2030-01-01T00:00:59.999Z"),
        await call("b", "2030-01-01T00:02:00Z", "2030-01-01T00:01:00Z"),
        await call("a", "2030-01-01T00:03:00Z", "2030-01-01T00:01:30Z"),
      ];
    });
    expect(results).toEqual([true, false, true, false, true, false]);
  });

  it("the RPC function treats the table name as an identifier, never as SQL", async () => {
    await expect(
      db.asRole("service_role", (tx) =>
        tx.query(`select ${s}.lunas_acquire_token_lease($1, 'k', 'h', now(), now())`, [
          `lunas_tokens_leases (key) values ('x'); drop table ${db.schema}.lunas_tokens; --`,
        ]),
      ),
    ).rejects.toMatchObject({ code: "42P01" });
    const { rows } = await db.executor.query(`select key from ${s}.lunas_tokens`);
    expect(rows).toEqual([{ key: "stored-key" }]);
  });

  it("the compare-and-delete function treats the table name as an identifier, never as SQL", async () => {
    await expect(
      db.asRole("service_role", (tx) =>
        tx.query(`select ${s}.lunas_delete_token_if_value($1, 'k', 'v')`, [
          `lunas_tokens; drop table ${db.schema}.lunas_tokens; --`,
        ]),
      ),
    ).rejects.toMatchObject({ code: "42P01" });
    const { rows } = await db.executor.query(`select key from ${s}.lunas_tokens`);
    expect(rows).toEqual([{ key: "stored-key" }]);
  });
});
