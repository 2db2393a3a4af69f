import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const srcDir = fileURLToPath(new URL("../../src/", import.meta.url));
const builtins = new Set(builtinModules);

// Runtime imports only: `import type` / `export type` are erased by the compiler.
const IMPORT =
  /(?:^|[\n;])\s*(?:import|export)\s+(?!type\s)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/g;

/** Every module of this package reachable from `entry` at runtime, and the packages they import. */
function runtimeGraph(entry: string): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const queue = [`${srcDir}${entry}`];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const specifier = match[1] as string;
      if (specifier.startsWith(".")) {
        queue.push(fileURLToPath(new URL(specifier.replace(/\.js$/, ".ts"), `file://${file}`)));
      } else {
        external.add(specifier);
      }
    }
  }
  return { files, external };
}

const isNodeBuiltin = (name: string) =>
  name.startsWith("node:") || builtins.has(name.split("/")[0] as string);

// The main entry and the Supabase adapters run on Deno (Supabase Edge Functions),
// Bun and workers; only ./postgres, ./pg-boss and ./testing may use Node.
describe.each([
  ["index.ts", ["zod"]],
  ["supabase.ts", ["zod"]],
])("the %s entry runs without Node built-ins", (entry, allowed) => {
  const { files, external } = runtimeGraph(entry);

  it("walks the real import graph", () => {
    expect(files.size).toBeGreaterThan(3);
  });

  it("imports no node: module and no bare built-in, only web-standard libraries", () => {
    expect([...external].filter(isNodeBuiltin)).toEqual([]);
    expect([...external].sort()).toEqual(allowed);
  });
});

it("the scanner does see Node imports where they exist (the postgres entry)", () => {
  expect([...runtimeGraph("postgres.ts").external].some(isNodeBuiltin)).toBe(true);
});
