// Type-checks the edge function and runs its tests under Deno. deno.json maps
// @lunas/* to the workspace sources, so no build is needed; zod, ky and
// supabase-js come from node_modules (nodeModulesDir "manual"): all offline.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const here = new URL("../", import.meta.url);
const run = (command, args) =>
  spawnSync(command, args, { cwd: here, stdio: "inherit" }).status ?? 1;

if (run("node", ["scripts/sync-migrations.mjs", "--check"]) !== 0) process.exit(1);

// When Deno cannot resolve something while type checking it "migrates"
// pnpm-workspace.yaml into the root package.json; never let that stick.
const rootPackage = new URL("../../package.json", here);
const before = readFileSync(rootPackage, "utf8");

let status = run("deno", ["check", "supabase/functions/xendit-webhook/index.ts"]);
if (status === 0) {
  status = run("deno", [
    "test",
    "--allow-net",
    "--allow-read",
    "--allow-env",
    "--allow-sys",
    "test/",
  ]);
}

if (readFileSync(rootPackage, "utf8") !== before) {
  writeFileSync(rootPackage, before);
  console.error("Deno rewrote the root package.json (a type could not be resolved); restored it.");
  process.exit(1);
}
process.exit(status);
