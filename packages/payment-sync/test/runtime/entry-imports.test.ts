import { describe, expect, it } from "vitest";
import {
  isNodeBuiltin,
  runtimeImportGraph,
} from "../../../../test-support/runtime-import-graph.js";

describe("entry points load where they are meant to", () => {
  it("the main entry imports no Node built-in, only web-standard libraries (ky comes with core's HTTP client)", () => {
    const { files, external } = runtimeImportGraph("payment-sync/src/index.ts");
    expect([...files].some((file) => file.includes("/midtrans/"))).toBe(true);
    expect([...external].filter(isNodeBuiltin)).toEqual([]);
    expect([...external].sort()).toEqual([
      "@noble/hashes/sha2",
      "@noble/hashes/utils",
      "ky",
      "zod",
    ]);
  });

  it("./testing loads without vitest; ./conformance is where vitest is", () => {
    expect([...runtimeImportGraph("payment-sync/src/testing.ts").external]).not.toContain("vitest");
    expect([...runtimeImportGraph("payment-sync/src/conformance.ts").external]).toContain("vitest");
  });

  it("the scanner does see Node built-ins where they are (the CLI)", () => {
    expect([...runtimeImportGraph("payment-sync/src/cli.ts").external].some(isNodeBuiltin)).toBe(
      true,
    );
  });
});
