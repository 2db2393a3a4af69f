import type { ViteUserConfig } from "vitest/config";
import rootConfig from "../vitest.config";

// Stryker's dry run executes every test it is given, one file at a time,
// before it knows which tests reach the mutated code. Tests mirror sources
// (src/token/x.ts -> test/token/), so only the test folders twinned with the
// mutated files' folders run (LUNAS_MUTATION_TEST_DIRS, "core/token,..."),
// set by scripts/mutation-test.mjs.
const testDirs = (process.env.LUNAS_MUTATION_TEST_DIRS ?? "").split(",").filter(Boolean);

const projects = (rootConfig.test?.projects ?? []).flatMap((project) => {
  if (typeof project !== "object" || !("test" in project)) return [];
  const name = project.test?.name;
  const dirs = testDirs.filter((dir) => dir.startsWith(`${name}/`));
  if (dirs.length === 0) return [];
  const include = dirs.map((dir) => `test/${dir.slice(dir.indexOf("/") + 1)}/**/*.test.ts`);
  return [{ ...project, test: { ...project.test, include } }];
});

// A shared, busy machine can stretch one test or hook past the suite's
// limits; Stryker judges hanging mutants by its own timeout, so a slow test is
// not a failure here.
const config: ViteUserConfig = {
  ...rootConfig,
  test: { ...rootConfig.test, testTimeout: 120_000, hookTimeout: 300_000, projects },
};
export default config;
