import { defineConfig } from "vitest/config";

// The packages are imported by their public names, resolved to their built
// dist/ as any consumer sees them (`pnpm build` runs before this in CI).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // Each file starts a whole service; one at a time keeps a 2-core machine responsive.
    fileParallelism: false,
  },
});
