// Lints every built package the way a consumer would meet it: publint checks the
// package.json/exports against the files, attw checks the types resolve for ESM
// and CJS consumers (node16 + bundler; node10 cannot read an exports map).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const packageDirs = readdirSync("packages").map((dir) => `packages/${dir}`);
const workspaceDirs = [
  ...packageDirs,
  ...readdirSync("examples").map((dir) => `examples/${dir}`),
  "bench",
];
const nameOf = new Map(
  workspaceDirs.map((dir) => [dir, JSON.parse(readFileSync(`${dir}/package.json`, "utf8")).name]),
);

const failures = [];
for (const cwd of packageDirs) {
  const name = nameOf.get(cwd);
  for (const [tool, args] of [
    ["publint", ["--strict"]],
    ["attw", ["--pack", ".", "--profile", "node16"]],
  ]) {
    try {
      execFileSync("pnpm", ["exec", tool, ...args], { cwd, stdio: "inherit" });
    } catch {
      failures.push(`${name}: ${tool}`);
    }
  }
}
// A stack trace from a shipped file should lead to readable source, yet the
// tarballs ship `dist/` and not `src/`: every source map must carry each of its
// sources inline (`sourcesContent`).
for (const cwd of packageDirs) {
  const maps = readdirSync(`${cwd}/dist`, { recursive: true }).filter((f) => f.endsWith(".map"));
  if (maps.length === 0) failures.push(`${nameOf.get(cwd)}: no source maps in dist/`);
  for (const file of maps) {
    const map = JSON.parse(readFileSync(`${cwd}/dist/${file}`, "utf8"));
    const inlined = map.sourcesContent ?? [];
    const missing = map.sources.filter((_, i) => typeof inlined[i] !== "string");
    if (missing.length > 0) {
      failures.push(`${nameOf.get(cwd)}: dist/${file} does not inline ${missing.join(", ")}`);
    }
  }
}
// `changeset status --since=HEAD` validates .changeset/config.json (a config
// naming a package that does not exist made `pnpm changeset`, and so every
// release, fail while nothing else noticed). It needs no `main` branch, which a
// CI checkout may not have, but it skips the pending changesets, so their
// frontmatter is checked here: every name a workspace package, every bump valid.
try {
  execFileSync("pnpm", ["exec", "changeset", "status", "--since=HEAD"], { stdio: "inherit" });
} catch {
  failures.push("changesets: .changeset/config.json is invalid");
}
const workspaceNames = new Set(nameOf.values());
for (const file of readdirSync(".changeset").filter(
  (f) => f.endsWith(".md") && f !== "README.md",
)) {
  const frontmatter = /^---\n([\s\S]*?)\n---/.exec(readFileSync(`.changeset/${file}`, "utf8"));
  const entries = (frontmatter?.[1] ?? "").split("\n").filter((line) => line.trim() !== "");
  if (entries.length === 0) failures.push(`changesets: ${file} has no frontmatter`);
  for (const line of entries) {
    const entry = /^\s*"([^"]+)"\s*:\s*(patch|minor|major)\s*$/.exec(line);
    if (!entry || !workspaceNames.has(entry[1])) failures.push(`changesets: ${file}: ${line}`);
  }
}
if (failures.length > 0) {
  console.error(`\nPackage checks failed:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log("\npublint and attw passed for every package; changesets are valid");
