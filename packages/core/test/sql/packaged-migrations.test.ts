import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { coreMigrations } from "@lunas/core/postgres";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL("../../", import.meta.url));

// migrateCore reads the SQL files next to dist/ at run time, so a tarball
// without them installs fine and fails only when a consumer migrates.
describe("the npm tarball of @lunas/core", () => {
  it("ships every migration file migrateCore applies", async () => {
    const { stdout } = await run("pnpm", ["pack", "--dry-run", "--json"], {
      cwd: packageRoot,
      timeout: 60_000,
    });
    const packed = (JSON.parse(stdout) as { files: { path: string }[] }).files.map((f) => f.path);
    const migrations = await coreMigrations();
    expect(migrations.length).toBeGreaterThanOrEqual(2);
    const expected = migrations.map((m) => `migrations/${m.id}.sql`);
    expect(packed.filter((path) => path.startsWith("migrations/")).sort()).toEqual(expected);
  });
});
