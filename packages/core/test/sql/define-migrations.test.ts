import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteExecutor, defineMigrations } from "../../src/postgres.js";
import type { SqlExecutor } from "../../src/sql/executor.js";

let dir: string;
let folder: URL;
let db: PGlite;
let executor: SqlExecutor;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lunas-define-migrations-"));
  await writeFile(join(dir, "0001_widgets.sql"), "create table widgets (id int primary key);");
  await writeFile(join(dir, "0002_widget_names.sql"), "alter table widgets add column name text;");
  folder = pathToFileURL(`${dir}/`);
  db = new PGlite();
  executor = createPgliteExecutor(db);
});

afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe("defineMigrations", () => {
  it("lists the folder's migrations in order", async () => {
    const set = defineMigrations({ namespace: "@acme/widgets", folder });
    expect((await set.migrations()).map((m) => m.id)).toEqual([
      "0001_widgets",
      "0002_widget_names",
    ]);
  });

  it("applies them to the chosen schema once, under its namespace", async () => {
    const set = defineMigrations({ namespace: "@acme/widgets", folder });
    expect(await set.migrate(executor, { schema: "shop" })).toEqual([
      "0001_widgets",
      "0002_widget_names",
    ]);
    expect(await set.migrate(executor, { schema: "shop" })).toEqual([]);
    const { rows } = await executor.query<{ column_name: string }>(
      "select column_name from information_schema.columns where table_schema = 'shop' and table_name = 'widgets' order by column_name",
    );
    expect(rows.map((row) => row.column_name)).toEqual(["id", "name"]);
    // Another namespace has its own record of what ran, so it runs the same files again (and clashes).
    const other = defineMigrations({ namespace: "@acme/other", folder });
    await expect(other.migrate(executor, { schema: "shop" })).rejects.toThrow();
  });

  it("defaults to the public schema", async () => {
    const set = defineMigrations({ namespace: "@acme/public", folder });
    expect(await set.migrate(executor)).toHaveLength(2);
    const { rows } = await executor.query(
      "select 1 from information_schema.tables where table_schema = 'public' and table_name = 'widgets'",
    );
    expect(rows).toHaveLength(1);
  });

  it("refuses a misspelt option, naming the call, and migrates nothing", async () => {
    const set = defineMigrations({ namespace: "@acme/widgets", folder, name: "migrateWidgets" });
    await expect(set.migrate(executor, { schemma: "elsewhere" } as never)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringMatching(/migrateWidgets options[\s\S]*schemma/),
    });
    const { rows } = await executor.query("select 1 from pg_namespace where nspname = 'elsewhere'");
    expect(rows).toEqual([]);
  });

  it("refuses a definition that is not a namespace and a folder URL", () => {
    expect(() => defineMigrations({ namespace: "", folder })).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
    expect(() => defineMigrations({ namespace: "@acme/x", folder: dir as never })).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });
});
