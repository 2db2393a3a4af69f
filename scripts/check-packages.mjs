// Lints every built package the way a consumer would meet it: publint checks the
// package.json/exports against the files, attw checks the types resolve for ESM
// and CJS consumers (node16 + bundler; node10 cannot read an exports map).
// Each package is packed once (`pnpm pack`) and both tools read that tarball;
// two packages are checked at a time, since attw keeps one core busy.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const require = createRequire(import.meta.url);
const attwBin = join(
  require.resolve("@arethetypeswrong/cli/package.json"),
  "..",
  JSON.parse(readFileSync(require.resolve("@arethetypeswrong/cli/package.json"), "utf8")).bin.attw,
);
const CONCURRENCY = 2;

const packageDirs = readdirSync("packages").map((dir) => `packages/${dir}`);
const workspaceDirs = [
  ...packageDirs,
  ...readdirSync("examples").map((dir) => `examples/${dir}`),
  "bench",
];
const nameOf = new Map(
  workspaceDirs.map((dir) => [dir, JSON.parse(readFileSync(`${dir}/package.json`, "utf8")).name]),
);

/** Runs a command; resolves its exit status and everything it printed. */
function run(command, args, options) {
  return new Promise((done) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", (error) => done({ status: 1, output: `${output}${error.message}\n` }));
    child.on("close", (status) => done({ status, output }));
  });
}

const packs = mkdtempSync(join(tmpdir(), "lunas-check-packages-"));

/** publint and attw on one package; answers its report and the tools that failed. */
async function checkPackage(cwd) {
  const name = nameOf.get(cwd);
  const failed = [];
  const destination = join(packs, cwd.replaceAll("/", "-"));
  const packed = await run("pnpm", ["pack", "--pack-destination", destination], { cwd });
  if (packed.status !== 0) return { report: packed.output, failed: ["pnpm pack"] };
  const tarball = join(destination, readdirSync(destination)[0]);
  const bytes = readFileSync(tarball);

  let report = `=== ${name}\n`;
  const { messages, pkg } = await publint({
    strict: true,
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
  });
  for (const message of messages) {
    report += `publint ${message.type}: ${formatMessage(message, pkg, { color: false })}\n`;
  }
  if (messages.length === 0) report += "publint: all good\n";
  if (messages.some((message) => message.type === "error")) failed.push("publint");

  const attw = await run(process.execPath, [attwBin, tarball, "--profile", "node16"], { cwd });
  report += attw.output;
  if (attw.status !== 0) failed.push("attw");
  return { report, failed };
}

const failures = [];
const queue = [...packageDirs];
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    for (let cwd = queue.shift(); cwd !== undefined; cwd = queue.shift()) {
      const { report, failed } = await checkPackage(cwd);
      process.stdout.write(report);
      for (const tool of failed) failures.push(`${nameOf.get(cwd)}: ${tool}`);
    }
  }),
);
rmSync(packs, { recursive: true, force: true });
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
