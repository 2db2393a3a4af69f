import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/postgres.ts", "src/testing.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  // Keep `node:` specifiers: Deno and workers need the prefix to find Node built-ins.
  removeNodeProtocol: false,
  target: "node20",
  tsconfig: "tsconfig.build.json",
});
