import { defineConfig } from "tsup";

const shared = {
  sourcemap: true,
  shims: true,
  target: "node20",
  tsconfig: "tsconfig.build.json",
} as const;

export default defineConfig([
  {
    ...shared,
    entry: {
      index: "src/index.ts",
      postgres: "src/postgres.ts",
      dynamodb: "src/dynamodb.ts",
      testing: "src/testing.ts",
      conformance: "src/conformance.ts",
      cli: "src/cli.ts",
    },
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
  },
  // The bin: ESM only (it awaits at the top level), no types.
  {
    ...shared,
    entry: { "lunas-sync": "src/cli/bin.ts" },
    format: ["esm"],
    dts: false,
    clean: false,
  },
]);
