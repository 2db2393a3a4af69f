import { describe, expect, it } from "vitest";
import {
  isNodeBuiltin,
  runtimeImportGraph,
} from "../../../../test-support/runtime-import-graph.js";

// The main entry and the Supabase adapters run on Deno (Supabase Edge Functions),
// Bun and workers; only ./postgres, ./pg-boss and ./testing may use Node.
describe.each([
  ["index.ts", ["@noble/hashes/sha2", "@noble/hashes/utils", "ky", "zod"]],
  ["supabase.ts", ["zod"]],
])("the %s entry runs without Node built-ins", (entry, allowed) => {
  const { files, external } = runtimeImportGraph(`core/src/${entry}`);

  it("walks the real import graph", () => {
    expect(files.size).toBeGreaterThan(3);
  });

  it("imports no node: module and no bare built-in, only web-standard libraries", () => {
    expect([...external].filter(isNodeBuiltin)).toEqual([]);
    expect([...external].sort()).toEqual(allowed);
  });
});

it("the scanner does see Node imports where they exist (the postgres entry)", () => {
  expect([...runtimeImportGraph("core/src/postgres.ts").external].some(isNodeBuiltin)).toBe(true);
});

// The drivers are optional peers: importing the conformance suites must not
// need them (an integrator testing a Redis adapter has neither installed);
// the test-database helpers load them when called.
it("the testing entry loads no database driver until a test-database helper is called", () => {
  const { external } = runtimeImportGraph("core/src/testing.ts");
  expect([...external].filter((name) => /^(pg|pg-boss|@electric-sql\/pglite)$/.test(name))).toEqual(
    [],
  );
});

// Apps load fakes and clocks in tests run by any runner (or none): only the
// suites, in ./conformance, may need vitest.
it.each([
  ["core/src/testing.ts", false],
  ["xendit/src/testing.ts", false],
  ["rapatin/src/testing.ts", false],
  ["core/src/conformance.ts", true],
  ["xendit/src/conformance.ts", true],
])("%s imports vitest: %s", (entry, importsVitest) => {
  expect(runtimeImportGraph(entry).external.has("vitest")).toBe(importsVitest);
});
