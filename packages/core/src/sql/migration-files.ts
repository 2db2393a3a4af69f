import { readdir, readFile } from "node:fs/promises";
import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import { type Migration, MigrationError } from "./migration-runner.js";

const MIGRATION_FILE = /^(\d{4}_[a-z0-9_]+)\.sql$/;

/**
 * Reads a package's `migrations/` folder: `0001_name.sql`, `0002_name.sql`, ...
 * Files that do not follow that pattern are an error, not silently ignored.
 */
export async function readMigrationsDir(dir: URL): Promise<Migration[]> {
  parseInput(
    z
      .instanceof(URL)
      .refine((url) => url.protocol === "file:", "must be a file: URL")
      // Without it, `new URL(name, dir)` below resolves next to the folder, not inside it.
      .refine(
        (url) => url.pathname.endsWith("/"),
        "must end with / (new URL('../migrations/', …))",
      ),
    dir,
    "readMigrationsDir folder",
  );
  let files: string[];
  try {
    files = await readdir(dir);
  } catch (error) {
    // Usually a package published without its migrations/ folder ("files" in package.json).
    throw new MigrationError(
      "MIGRATION_DIR_UNREADABLE",
      `Cannot read the migrations folder ${dir.href}: ${(error as Error).message}. Check that the package ships its migrations/ folder.`,
      { cause: error },
    );
  }
  const names = files.filter((name) => name.endsWith(".sql")).sort();
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
