import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ViteUserConfig } from "vitest/config";

// The Node 22/24 legs of scripts/node-matrix.mjs run this config with vitest 5
// and pg-boss 12 installed in a folder of their own (LUNAS_NEWER_MAJORS_DIR),
// so the workspace keeps its pinned vitest 4 and pg-boss 10. It runs what
// users meet on those majors: the pg-boss adapter's tests and every test that
// runs a conformance suite, found by what they import (a `conformance` entry,
// pg-boss or core's pg-boss entry) so renamed files stay covered; a file that
// only names them in a comment or a string already ran in the leg's full suite.
const majorsDir = process.env.LUNAS_NEWER_MAJORS_DIR;
if (!majorsDir) throw new Error("LUNAS_NEWER_MAJORS_DIR is not set; run scripts/node-matrix.mjs");
const majors = join(majorsDir, "node_modules");

const root = fileURLToPath(new URL("../", import.meta.url));
const usesNewerMajor =
  /(?:\bfrom\s+|\bimport\s*\(\s*)["'](?:[^"']*\/conformance(?:\.js)?|pg-boss|[^"']*\/pg-boss(?:\.js)?)["']/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".test.ts") && usesNewerMajor.test(readFileSync(path, "utf8"))
      ? [path]
      : [];
  });
}

const projects = readdirSync(join(root, "packages"))
  .filter((name) => existsSync(join(root, "packages", name, "test")))
  .map((name) => ({
    name,
    files: testFiles(join(root, "packages", name, "test")).map((file) =>
      file.slice(join(root, "packages", name).length + 1),
    ),
  }))
  .filter((project) => project.files.length > 0);

const pgBoss = join(majors, "pg-boss", "dist", "index.js");
const pgBossForTests = fileURLToPath(new URL("./pg-boss-default-export.mjs", import.meta.url));

export default {
  plugins: [
    {
      name: "newer-pg-boss",
      enforce: "pre",
      resolveId: (source: string, importer: string | undefined) =>
        source === "pg-boss" ? (importer?.includes("/test/") ? pgBossForTests : pgBoss) : null,
    },
  ],
  resolve: {
    alias: [
      // Tests, sources and the conformance suites must all get the leg's
      // vitest, not the workspace's.
      { find: /^vitest$/, replacement: join(majors, "vitest", "dist", "index.js") },
      { find: /^@lunas\/([a-z-]+)\/([a-z-]+)$/, replacement: `${root}packages/$1/src/$2.ts` },
      { find: /^@lunas\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
  test: {
    globalSetup: [`${root}test-support/pglite-template.ts`],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: projects.map(({ name, files }) => ({
      extends: true,
      test: { name, root: `${root}packages/${name}`, include: files },
    })),
  },
} satisfies ViteUserConfig;
