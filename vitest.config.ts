import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const packages = readdirSync(new URL("./packages", import.meta.url)).filter((name) =>
  existsSync(new URL(`./packages/${name}/test`, import.meta.url)),
);

// Tests import sibling packages by their public names; point those names at the
// sources so a test run never depends on a stale dist/ build.
// `@lunas/x` -> packages/x/src/index.ts, `@lunas/x/sub` -> packages/x/src/sub.ts
const lunasSources = [
  { find: /^@lunas\/([a-z-]+)\/([a-z-]+)$/, replacement: `${root}packages/$1/src/$2.ts` },
  { find: /^@lunas\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
];

export default defineConfig({
  resolve: { alias: lunasSources },
  test: {
    globalSetup: [`${root}test-support/pglite-template.ts`],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: packages.map((name) => ({
      extends: true,
      test: {
        name,
        root: `${root}packages/${name}`,
        include: ["test/**/*.test.ts"],
      },
    })),
  },
});
