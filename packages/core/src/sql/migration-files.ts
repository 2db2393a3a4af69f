import { readdir, readFile } from "node:fs/promises";
import { type Migration, MigrationError } from "./migration-runner.js";

const MIGRATION_FILE = /^(\d{4}_[a-z0-9_]+)\.sql$/;

/**
 * Reads a package's `migrations/` folder: `0001_name.sql`, `0002_name.sql`, ...
 * Files that do not follow that pattern are an error, not silently ignored.
 */
export async function readMigrationsDir(dir: URL): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith(".sql")).sort();
  return Promise.all(
    names.map(async (name) => {
      const match = MIGRATION_FILE.exec(name);
      if (!match?.[1]) {
        throw new MigrationError(
          "MIGRATION_BAD_NAME",
          `Migration file ${name} must be named like 0001_create_table.sql`,
        );
      }
      return { id: match[1], sql: await readFile(new URL(name, dir), "utf8") };
    }),
  );
}
