import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { createPgliteTestDatabase } from "@lunas/core/testing";
import { afterAll, expect, it } from "vitest";

const saved = process.env.LUNAS_PGLITE_TEMPLATE;
let dir: string | undefined;
afterAll(async () => {
  if (saved === undefined) delete process.env.LUNAS_PGLITE_TEMPLATE;
  else process.env.LUNAS_PGLITE_TEMPLATE = saved;
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("createPgliteTestDatabase starts from the dump LUNAS_PGLITE_TEMPLATE names, and each database is its own", {
  timeout: 120_000,
}, async () => {
  const source = await PGlite.create();
  await source.exec(
    "create table template_marker (note text); insert into template_marker values ('from the dump')",
  );
  const dump = await source.dumpDataDir("none");
  await source.close();
  dir = await mkdtemp(join(tmpdir(), "lunas-template-test-"));
  const file = join(dir, "datadir.tar");
  await writeFile(file, new Uint8Array(await dump.arrayBuffer()));
  process.env.LUNAS_PGLITE_TEMPLATE = file;

  const a = await createPgliteTestDatabase();
  const b = await createPgliteTestDatabase();
  try {
    await a.executor.query("insert into template_marker values ('only in a')");
    const { rows: inA } = await a.executor.query("select note from template_marker order by note");
    const { rows: inB } = await b.executor.query("select note from template_marker order by note");
    expect(inA).toEqual([{ note: "from the dump" }, { note: "only in a" }]);
    expect(inB).toEqual([{ note: "from the dump" }]);
  } finally {
    await a.drop();
    await b.drop();
  }
});
