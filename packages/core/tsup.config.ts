import { defineConfig } from "tsup";

export default defineConfig({
  entry: [
    "src/index.ts",
    "src/postgres.ts",
    "src/supabase.ts",
    "src/pg-boss.ts",
    "src/testing.ts",
    "src/conformance.ts",
    "src/validation.ts",
  ],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  shims: true,
  target: "node20",
  tsconfig: "tsconfig.build.json",
});
