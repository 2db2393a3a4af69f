// `pnpm run test:ci`: every check CI runs, as the root README lists them. The
// steps that use one core (tsc, attw, deno check, the consumer app's installs
// and typechecks) run two at a time, side by side, so a 2-core machine is not
// half idle through them; each vitest run has the machine to itself, so no
// timing in the suite competes with another step. A phase starts once the one
// before it passed; the first failure stops the run after the steps already
// running finish. Each step's time is printed at the end.
import { spawn } from "node:child_process";

/** Phases in order; each phase's lanes run side by side, each lane's steps one after the other. */
const phases = [
  [
    ["lint", "typecheck"],
    ["build", "check:packages"],
  ],
  [["test"]],
  [["test:examples", "test:bun"], ["test:consumer-app"]],
  [["test:node-matrix"]],
];

const timings = [];

/**
 * Runs `pnpm run <script>`. Alone, its output streams through; beside another
 * step, its output is kept and printed whole when it ends, so two steps' lines
 * never interleave.
 */
function runStep(script, alone) {
  return new Promise((resolve) => {
    const started = Date.now();
    console.log(`\n=== ${script}${alone ? "" : " (beside another step; output when it ends)"}`);
    const child = spawn("pnpm", ["run", script], {
      stdio: alone ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    const output = [];
    child.stdout?.on("data", (chunk) => output.push(chunk));
    child.stderr?.on("data", (chunk) => output.push(chunk));
    const finish = (passed, note = "") => {
      const seconds = (Date.now() - started) / 1000;
      timings.push({ script, seconds, passed });
      if (!alone) process.stdout.write(Buffer.concat(output));
      console.log(
        `=== ${script}: ${passed ? "passed" : "FAILED"} in ${seconds.toFixed(0)} s${note}`,
      );
      resolve(passed);
    };
    child.on("error", (error) => finish(false, ` (${error.message})`));
    child.on("close", (code) => finish(code === 0));
  });
}

async function runLane(steps, alone, failed) {
  for (const script of steps) {
    if (failed.value) return;
    if (!(await runStep(script, alone))) failed.value = true;
  }
}

const failed = { value: false };
const runStarted = Date.now();
for (const lanes of phases) {
  await Promise.all(lanes.map((steps) => runLane(steps, lanes.length === 1, failed)));
  if (failed.value) break;
}

console.log("\n=== test:ci step times (wall clock; side-by-side steps overlap)");
for (const { script, seconds, passed } of timings) {
  console.log(
    `  ${script.padEnd(20)} ${seconds.toFixed(0).padStart(5)} s  ${passed ? "" : "FAILED"}`,
  );
}
console.log(
  `  ${"total".padEnd(20)} ${((Date.now() - runStarted) / 1000).toFixed(0).padStart(5)} s`,
);
process.exit(failed.value ? 1 : 0);
