// `pnpm test:mutation [extra files...]`: runs Stryker (stryker.config.mjs) on
// Node 24 from the runtime cache, prints the mutation score of every mutated
// file and fails when one is below 90 %. `--report-only` (or
// MUTATION_REPORT_ONLY=1) prints the scores without failing. `--only` mutates
// just the files given as arguments (one file's run takes minutes, the whole
// list tens of minutes on a 2-core machine).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { mutatedFiles } from "../stryker.config.mjs";
import { ensureRuntime } from "./runtime-cache.mjs";

const THRESHOLD = 90;
const args = process.argv.slice(2);
const reportOnly = args.includes("--report-only") || process.env.MUTATION_REPORT_ONLY === "1";
const extraFiles = args.filter((arg) => !arg.startsWith("--"));
const files = args.includes("--only") ? extraFiles : [...mutatedFiles, ...extraFiles];
if (files.length === 0) {
  console.error("--only needs at least one file to mutate");
  process.exit(1);
}

const node24 = ensureRuntime("node@24");
// The package's exports map hides its bin; find it next to its package.json.
const stryker = join(
  dirname(createRequire(import.meta.url).resolve("@stryker-mutator/core/package.json")),
  "bin/stryker.js",
);
const started = Date.now();
const run = spawnSync(node24, [stryker, "run", "stryker.config.mjs", "--mutate", files.join(",")], {
  stdio: "inherit",
  env: {
    ...process.env,
    // packages/core/src/token/token-provider.ts -> core/token
    LUNAS_MUTATION_TEST_DIRS: [
      ...new Set(
        files.map((file) =>
          file
            .split("/")
            .slice(1, 4)
            .filter((_, i) => i !== 1)
            .join("/"),
        ),
      ),
    ].join(","),
  },
});
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
if (run.status !== 0) {
  console.error(`Stryker failed (exit ${run.status}) after ${minutes} min`);
  process.exit(1);
}

// Score as Stryker defines it: detected (killed + timeout) over valid mutants
// (detected + survived + no coverage); compile and runtime errors and ignored
// mutants (Stryker disable comments) do not count.
const report = JSON.parse(readFileSync("reports/mutation/mutation.json", "utf8"));
const rows = Object.entries(report.files).map(([file, { mutants }]) => {
  const count = (...statuses) => mutants.filter((m) => statuses.includes(m.status)).length;
  const detected = count("Killed", "Timeout");
  const valid = detected + count("Survived", "NoCoverage");
  const score = valid === 0 ? 100 : (100 * detected) / valid;
  return { file, score, detected, valid, ignored: count("Ignored") };
});

console.log(`\nMutation score per file (threshold ${THRESHOLD} %, ${minutes} min on Node 24):`);
for (const { file, score, detected, valid, ignored } of rows) {
  const mark = score >= THRESHOLD ? "ok  " : "LOW ";
  console.log(
    `  ${mark}${score.toFixed(1).padStart(5)} %  ${detected}/${valid}  ${ignored} ignored  ${file}`,
  );
}
const low = rows.filter((row) => row.score < THRESHOLD);
if (low.length > 0 && !reportOnly) {
  console.error(
    `\n${low.length} file(s) below ${THRESHOLD} %; see reports/mutation/ for the survivors.`,
  );
  process.exit(1);
}
