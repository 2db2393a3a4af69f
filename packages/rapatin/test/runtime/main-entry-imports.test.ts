import { describe, expect, it } from "vitest";
import {
  isNodeBuiltin,
  runtimeImportGraph,
} from "../../../../test-support/runtime-import-graph.js";

// The Supabase Edge example imports this entry under Deno; a Node built-in
// anywhere in its graph would only show up there, at deploy time.
describe("the main entry runs without Node built-ins (Deno, Supabase Edge, Bun, workers)", () => {
  const { files, external } = runtimeImportGraph("rapatin/src/index.ts");

  it("walks the real import graph, into @lunas/core's token provider", () => {
    expect(files.size).toBeGreaterThan(10);
    expect([...files].some((file) => file.includes("/core/src/token/"))).toBe(true);
  });

  it("imports no node: module and no bare built-in, only web-standard libraries", () => {
    expect([...external].filter(isNodeBuiltin)).toEqual([]);
    expect([...external].sort()).toEqual([
      "@noble/hashes/sha2",
      "@noble/hashes/utils",
      "ky",
      "zod",
    ]);
  });

  it("the scanner does see node: imports where they exist (the testing entry)", () => {
    const testing = runtimeImportGraph("rapatin/src/testing.ts");
    expect([...testing.external].some(isNodeBuiltin)).toBe(true);
  });
});
