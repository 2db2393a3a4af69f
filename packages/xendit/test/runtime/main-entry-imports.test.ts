import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packagesDir = fileURLToPath(new URL("../../../", import.meta.url));
const builtins = new Set(builtinModules);

// Runtime imports only: `import type` / `export type` are erased by the compiler.
const IMPORT =
  /(?:^|[\n;])\s*(?:import|export)\s+(?!type\s)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/g;

/** Every module reachable from `entry` at runtime, resolved the way the repo's alias scheme does. */
function runtimeGraph(entry: string): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(IMPORT)) {
      const specifier = match[1] as string;
      if (specifier.startsWith(".")) {
        queue.push(fileURLToPath(new URL(specifier.replace(/\.js$/, ".ts"), `file://${file}`)));
      } else if (specifier.startsWith("@lunas/")) {
        const [, pkg, sub] = specifier.split("/");
        queue.push(`${packagesDir}${pkg}/src/${sub ?? "index"}.ts`);
      } else {
        external.add(specifier);
      }
    }
  }
  return { files, external };
}

describe("the main entry runs without Node built-ins (Deno, Supabase Edge, Bun, workers)", () => {
  const { files, external } = runtimeGraph(`${packagesDir}xendit/src/index.ts`);

  it("walks the real import graph, into @lunas/core", () => {
    expect(files.size).toBeGreaterThan(15);
    expect([...files].some((file) => file.includes("/core/src/idempotency/"))).toBe(true);
  });

  it("imports no node: module and no bare built-in", () => {
    const nodeImports = [...external].filter(
      (name) => name.startsWith("node:") || builtins.has(name.split("/")[0] as string),
    );
    expect(nodeImports).toEqual([]);
  });

  it("depends only on web-standard libraries at runtime", () => {
    expect([...external].sort()).toEqual(["ky", "zod"]);
  });

  it("the scanner does see node: imports where they exist (the testing entry)", () => {
    const testing = runtimeGraph(`${packagesDir}xendit/src/testing.ts`);
    expect([...testing.external].some((name) => name.startsWith("node:"))).toBe(true);
  });
});
