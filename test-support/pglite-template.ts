import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

// vitest globalSetup: one fresh PGlite data directory, dumped to a file once per
// run, which every `createPgliteTestDatabase` then starts from (it reads
// LUNAS_PGLITE_TEMPLATE) instead of running initdb itself: initdb in WASM costs
// several seconds of CPU per database, and the suite makes dozens of them.
// Each project runs this setup in the one main process; the first writes the
// file and the others reuse it.
const pgliteEntry = createRequire(
  new URL("../packages/core/package.json", import.meta.url),
).resolve("@electric-sql/pglite");

/** What this setup uses of PGlite (the root cannot name the package's types: only core depends on it). */
interface PgliteModule {
  PGlite: {
    create(): Promise<{ dumpDataDir(compression: "none"): Promise<Blob>; close(): Promise<void> }>;
  };
}

export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.LUNAS_PGLITE_TEMPLATE) return undefined;
  const { PGlite } = (await import(pathToFileURL(pgliteEntry).href)) as PgliteModule;
  const db = await PGlite.create();
  const dump = await db.dumpDataDir("none");
  await db.close();
  const dir = mkdtempSync(join(tmpdir(), "lunas-pglite-template-"));
  const file = join(dir, "datadir.tar");
  writeFileSync(file, new Uint8Array(await dump.arrayBuffer()));
  process.env.LUNAS_PGLITE_TEMPLATE = file;
  return () => {
    delete process.env.LUNAS_PGLITE_TEMPLATE;
    rmSync(dir, { recursive: true, force: true });
  };
}
