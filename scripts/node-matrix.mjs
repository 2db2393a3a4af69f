// `pnpm test:node-matrix`: the whole vitest suite on Node 22 and Node 24 (from
// the npm registry, see runtime-cache.mjs), then on each of them the pg-boss
// adapter's tests and the conformance suites with the majors users of current
// Node install by default (vitest 5, pg-boss 12), from a folder of their own
// so the workspace keeps its pinned vitest 4 and pg-boss 10. Node 20 is the
// workspace's own leg (`pnpm test`).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ensureRuntime, installIntoCache, newestVersion } from "./runtime-cache.mjs";

const legs = ["node@22", "node@24"];
const newerMajors = { vitest: "5", "pg-boss": "12" };

const exact = Object.entries(newerMajors).map(
  ([name, major]) => `${name}@${newestVersion(name, major)}`,
);
const majorsDir = installIntoCache(`newer-majors-${exact.join("-").replaceAll("/", "+")}`, exact);

const failures = [];
for (const leg of legs) {
  const node = ensureRuntime(leg);
  const steps = [
    [
      `${leg}: vitest suite (workspace versions)`,
      [join("node_modules", "vitest", "vitest.mjs"), "run"],
    ],
    [
      `${leg}: pg-boss adapter + conformance suites on ${exact.join(", ")}`,
      [
        join(majorsDir, "node_modules", "vitest", "vitest.mjs"),
        "run",
        "--config",
        "test-support/newer-majors.vitest.config.ts",
      ],
    ],
  ];
  for (const [name, args] of steps) {
    console.log(`\n=== ${name}`);
    const started = Date.now();
    const { status } = spawnSync(node, args, {
      stdio: "inherit",
      env: { ...process.env, LUNAS_NEWER_MAJORS_DIR: majorsDir },
    });
    console.log(
      `=== ${name}: ${status === 0 ? "passed" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    if (status !== 0) failures.push(name);
  }
}
if (failures.length > 0) {
  console.error(`\nFailed legs:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
