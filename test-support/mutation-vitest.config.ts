import type { ViteUserConfig } from "vitest/config";
import rootConfig from "../vitest.config";

// Stryker's dry run executes every project it is given before it knows which
// tests reach the mutated code; only the packages that own a mutated file (set
// by scripts/mutation-test.mjs) are worth that first run.
const wanted = (process.env.LUNAS_MUTATION_PROJECTS ?? "").split(",").filter(Boolean);

const projects = (rootConfig.test?.projects ?? []).filter((project) => {
  const name = typeof project === "object" && "test" in project ? project.test?.name : undefined;
  return wanted.length === 0 || (typeof name === "string" && wanted.includes(name));
});

// A shared, busy machine can stretch one test past the suite's 30 s; Stryker
// judges hanging mutants by its own timeout, so a slow test is not a failure.
const config: ViteUserConfig = {
  ...rootConfig,
  test: { ...rootConfig.test, testTimeout: 120_000, projects },
};
export default config;
