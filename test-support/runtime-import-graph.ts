import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";

// Shared by the packages' runtime tests, which prove that an entry meant for
// Deno (Supabase Edge), Bun and workers pulls in no Node built-in at runtime.
// It lives at the root, not in a package, because it is repository tooling:
// no integrator imports it, and no package may import another's test files.

const packagesDir = fileURLToPath(new URL("../packages/", import.meta.url));
const builtins = new Set(builtinModules);

// Runtime imports only: `import type` / `export type` are erased by the compiler.
const IMPORT =
  /(?:^|[\n;])\s*(?:import|export)\s+(?!type\s)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/g;

export interface RuntimeImportGraph {
  /** Every source file reached, this package's and other `@lunas/*` packages'. */
  files: Set<string>;
  /** The bare specifiers of everything outside the repository (`zod`, `node:fs`, …). */
  external: Set<string>;
}

/**
 * Every module reachable at runtime from `packages/<entry>` (for example
 * `xendit/src/index.ts`), following `@lunas/x[/sub]` the way the repository's
 * aliases do (to `packages/x/src/{sub|index}.ts`).
 */
export function runtimeImportGraph(entry: string): RuntimeImportGraph {
  const files = new Set<string>();
  const external = new Set<string>();
  const queue = [`${packagesDir}${entry}`];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
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

export const isNodeBuiltin = (name: string): boolean =>
  name.startsWith("node:") || builtins.has(name.split("/")[0] as string);
