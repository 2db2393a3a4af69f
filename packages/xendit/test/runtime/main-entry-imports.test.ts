import { describe, expect, it } from "vitest";
import {
  isNodeBuiltin,
  runtimeImportGraph,
} from "../../../../test-support/runtime-import-graph.js";

describe("the main entry runs without Node built-ins (Deno, Supabase Edge, Bun, workers)", () => {
  const { files, external } = runtimeImportGraph("xendit/src/index.ts");

  it("walks the real import graph, into @lunas/core", () => {
    expect(files.size).toBeGreaterThan(15);
    expect([...files].some((file) => file.includes("/core/src/idempotency/"))).toBe(true);
  });

  it("imports no node: module and no bare built-in", () => {
    expect([...external].filter(isNodeBuiltin)).toEqual([]);
  });

  it("depends only on web-standard libraries at runtime", () => {
    expect([...external].sort()).toEqual([
      "@noble/hashes/sha2",
      "@noble/hashes/utils",
      "ky",
      "zod",
    ]);
  });

  it("the scanner does see node: imports where they exist (core's postgres entry)", () => {
    const postgres = runtimeImportGraph("core/src/postgres.ts");
    expect([...postgres.external].some(isNodeBuiltin)).toBe(true);
  });

  // The fake Xendit server is a Web handler now; node:http is loaded only by
  // start(), so the testing entry runs wherever the client runs.
  it("the testing entry imports no Node built-in at load", () => {
    const testing = runtimeImportGraph("xendit/src/testing.ts");
    expect([...testing.external].filter(isNodeBuiltin)).toEqual([]);
  });
});
