// Lints every built package the way a consumer would meet it: publint checks the
// package.json/exports against the files, attw checks the types resolve for ESM
// and CJS consumers (node16 + bundler; node10 cannot read an exports map).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const failures = [];
for (const dir of readdirSync("packages")) {
  const cwd = `packages/${dir}`;
  const { name } = JSON.parse(readFileSync(`${cwd}/package.json`, "utf8"));
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
if (failures.length > 0) {
  console.error(`\nPackage checks failed:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log("\npublint and attw passed for every package");
