import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  isNodeBuiltin,
  runtimeImportGraph,
} from "../../../../test-support/runtime-import-graph.js";

describe("entries load where they are meant to", () => {
  it("the main entry imports no Node built-in (Deno, Supabase Edge, Bun, workers)", () => {
    const { files, external } = runtimeImportGraph("fonnte-ai/src/index.ts");
    expect([...files].some((file) => file.includes("/core/src/"))).toBe(true);
    expect([...external].filter(isNodeBuiltin)).toEqual([]);
    expect([...external].sort()).toEqual([
      "@noble/hashes/sha2",
      "@noble/hashes/utils",
      "ky",
      "libphonenumber-js/mobile",
      "marked",
      "zod",
    ]);
  });

  it("./testing does not import vitest; ./node and the fakes may use Node", () => {
    const testing = runtimeImportGraph("fonnte-ai/src/testing.ts");
    expect([...testing.external].filter((name) => name.startsWith("vitest"))).toEqual([]);
    expect([...testing.external].some(isNodeBuiltin)).toBe(true);
    const conformance = runtimeImportGraph("fonnte-ai/src/conformance.ts");
    expect([...conformance.external]).toContain("vitest");
  });

  it("./testing loads in a plain Node process without vitest", () => {
    const entry = fileURLToPath(new URL("../../src/testing.ts", import.meta.url));
    const result = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        `import(${JSON.stringify(entry)}).then(m => console.log(typeof m.FakeFonnteServer))`,
      ],
      { encoding: "utf8", cwd: fileURLToPath(new URL("../..", import.meta.url)), timeout: 60_000 },
    );
    expect(result.stderr).not.toMatch(/vitest/);
    expect(result.stdout.trim()).toBe("function");
  });
});
