import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Migration, runMigrations, type SqlExecutor } from "@lunas/core";
import { readMigrationsDir } from "@lunas/core/postgres";
import {
  createPgliteTestDatabase,
  createPostgresTestSchema,
  createSupabaseLikeTestSchema,
  type SupabaseLikeTestDatabase,
  type TestDatabase,
} from "@lunas/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const first: Migration = { id: "0001_widgets", sql: "create table widgets (id int primary key);" };
const second: Migration = {
  id: "0002_widget_names",
  sql: "alter table widgets add column name text; insert into widgets values (1, 'one');",
};

async function tableExists(executor: SqlExecutor, schema: string, table: string) {
  const { rows } = await executor.query<{ found: boolean }>(
    "select exists (select 1 from information_schema.tables where table_schema = $1 and table_name = $2) as found",
    [schema, table],
  );
  return rows[0]?.found === true;
}

describe.each([
  ["PGlite", () => createPgliteTestDatabase("lunas_test")],
  ["PostgreSQL", () => createPostgresTestSchema("migr")],
])("runMigrations on %s", (_name, create) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await create();
  });
  afterAll(() => db.drop());

  it("applies pending migrations once, in order, into the given schema", async () => {
    const ns = "test/once";
    expect(
      await runMigrations(db.executor, {
        namespace: ns,
        migrations: [second, first],
        schema: db.schema,
      }),
    ).toEqual(["0001_widgets", "0002_widget_names"]);
    expect(
      await runMigrations(db.executor, {
        namespace: ns,
        migrations: [first, second],
        schema: db.schema,
      }),
    ).toEqual([]);
    const { rows } = await db.executor.query<{ name: string }>(
      `select name from "${db.schema}".widgets`,
    );
    expect(rows).toEqual([{ name: "one" }]);
  });

  it("refuses a migration whose text changed after it was applied", async () => {
    await expect(
      runMigrations(db.executor, {
        namespace: "test/once",
        migrations: [{ ...first, sql: `${first.sql} -- edited` }],
        schema: db.schema,
      }),
    ).rejects.toMatchObject({ code: "MIGRATION_CHANGED" });
  });

  it("rolls back the whole batch when one migration fails", async () => {
    const ns = "test/rollback";
    const good: Migration = { id: "0001_gadgets", sql: "create table gadgets (id int);" };
    const bad: Migration = {
      id: "0002_broken",
      sql: "create table broken (id int); select * from no_such_table;",
    };
    await expect(
      runMigrations(db.executor, { namespace: ns, migrations: [good, bad], schema: db.schema }),
    ).rejects.toThrow(/no_such_table/);
    expect(await tableExists(db.executor, db.schema, "gadgets")).toBe(false);
    const { rows } = await db.executor.query(
      `select 1 from "${db.schema}".lunas_migrations where namespace = $1`,
      [ns],
    );
    expect(rows).toHaveLength(0);
  });

  it("serialises instances that start together: each migration is applied once", async () => {
    const ns = "test/concurrent";
    const migration: Migration = {
      id: "0001_counter",
      sql: "create table counter (n int); insert into counter values (1);",
    };
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        runMigrations(db.executor, { namespace: ns, migrations: [migration], schema: db.schema }),
      ),
    );
    expect(results.flat()).toEqual(["0001_counter"]);
    const { rows } = await db.executor.query(`select n from "${db.schema}".counter`);
    expect(rows).toHaveLength(1);
  });

  it("rejects unsafe schema names and duplicate ids before touching the database", async () => {
    await expect(
      runMigrations(db.executor, {
        namespace: "x",
        migrations: [first],
        schema: 'public"; drop table x; --',
      }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(
      runMigrations(db.executor, { namespace: "x", migrations: [first, first], schema: db.schema }),
    ).rejects.toMatchObject({ code: "MIGRATION_DUPLICATE" });
  });

  it("rejects malformed options with INVALID_ARGUMENT and creates nothing", async () => {
    const schema = `${db.schema}_bad`;
    const bad: unknown[] = [
      { namespace: "", migrations: [first], schema },
      { namespace: "x", migrations: "0001_widgets", schema },
      { namespace: "x", migrations: [{ id: 1, sql: "select 1" }], schema },
      { namespace: "x", migrations: [{ id: "0001_widgets", sql: null }], schema },
      { namespace: "x", migrations: [{ id: "", sql: "select 1" }], schema },
      { namespace: "x", migrations: [first], schema, extra: true },
    ];
    for (const options of bad) {
      await expect(
        runMigrations(db.executor, options as Parameters<typeof runMigrations>[1]),
      ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    }
    await expect(
      runMigrations({} as SqlExecutor, { namespace: "x", migrations: [first], schema }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    const { rows } = await db.executor.query(
      "select 1 from information_schema.schemata where schema_name = $1",
      [schema],
    );
    expect(rows).toEqual([]);
  });

  it("transaction() commits on success and rolls back on error", async () => {
    const table = `"${db.schema}".tx_probe`;
    await db.executor.exec(`create table ${table} (id int)`);
    await db.executor.transaction(async (tx) => {
      await tx.query(`insert into ${table} values ($1)`, [1]);
    });
    await expect(
      db.executor.transaction(async (tx) => {
        await tx.query(`insert into ${table} values ($1)`, [2]);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const { rows, rowCount } = await db.executor.query<{ id: number }>(`select id from ${table}`);
    expect(rows).toEqual([{ id: 1 }]);
    expect(rowCount).toBe(1);
  });
});

describe("readMigrationsDir", () => {
  it("reads numbered files in order and rejects badly named ones", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lunas-migrations-"));
    try {
      await writeFile(join(dir, "0002_second.sql"), "select 2;");
      await writeFile(join(dir, "0001_first.sql"), "select 1;");
      await writeFile(join(dir, "notes.txt"), "ignored: not sql");
      const url = pathToFileURL(`${dir}/`);
      expect(await readMigrationsDir(url)).toEqual([
        { id: "0001_first", sql: "select 1;" },
        { id: "0002_second", sql: "select 2;" },
      ]);
      await writeFile(join(dir, "third.sql"), "select 3;");
      await expect(readMigrationsDir(url)).rejects.toMatchObject({ code: "MIGRATION_BAD_NAME" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses what is not a folder's file: URL with INVALID_ARGUMENT, and a missing folder with MIGRATION_DIR_UNREADABLE", async () => {
    for (const bad of [undefined, "migrations/", new URL("https://example.com/m/")]) {
      await expect(readMigrationsDir(bad as never)).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
    }
    // No trailing slash: files would be looked up next to the folder instead of in it.
    await expect(readMigrationsDir(pathToFileURL(tmpdir()))).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining("must end with /"),
    });
    await expect(
      readMigrationsDir(pathToFileURL(join(tmpdir(), "lunas-no-such-folder/"))),
    ).rejects.toMatchObject({ code: "MIGRATION_DIR_UNREADABLE" });
  });
});

describe("runMigrations' ledger with Supabase's roles", () => {
  let db: SupabaseLikeTestDatabase;
  beforeAll(async () => {
    db = await createSupabaseLikeTestSchema("migrsb");
    await runMigrations(db.executor, {
      namespace: "test/ledger",
      migrations: [first],
      schema: db.schema,
    });
  });
  afterAll(() => db.drop());

  it("keeps lunas_migrations out of reach of anon and authenticated (RLS on, default grants revoked)", async () => {
    const { rows } = await db.executor.query<{ relrowsecurity: boolean }>(
      `select relrowsecurity from pg_class
        where relnamespace = $1::regnamespace and relname = 'lunas_migrations'`,
      [db.schema],
    );
    expect(rows).toEqual([{ relrowsecurity: true }]);
    const table = `"${db.schema}".lunas_migrations`;
    for (const role of ["anon", "authenticated"] as const) {
      // Through Supabase's API these could otherwise read the ledger, or insert a row that skips a migration.
      await expect(
        db.asRole(role, (tx) => tx.query(`select * from ${table}`)),
      ).rejects.toMatchObject({
        code: "42501",
      });
      await expect(
        db.asRole(role, (tx) =>
          tx.query(`insert into ${table} (namespace, id, checksum) values ('x', '9999_skip', 'x')`),
        ),
      ).rejects.toMatchObject({ code: "42501" });
    }
    // Running again (the table exists now) still works.
    expect(
      await runMigrations(db.executor, {
        namespace: "test/ledger",
        migrations: [first],
        schema: db.schema,
      }),
    ).toEqual([]);
  });
});
