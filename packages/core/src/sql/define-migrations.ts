import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import type { SqlExecutor } from "./executor.js";
import { readMigrationsDir } from "./migration-files.js";
import { type Migration, runMigrations } from "./migration-runner.js";

export interface DefineMigrationsOptions {
  /** Who owns these migrations (`@lunas/xendit`); recorded with every applied id. */
  namespace: string;
  /** The package's `migrations/` folder: `new URL("../migrations/", import.meta.url)`. */
  folder: URL;
  /** How errors name the `migrate` call (`migrateXendit`). Default: `<namespace> migrate`. */
  name?: string;
}

export interface MigrateOptions {
  /** Schema the tables go into; created when missing. Default `public`. */
  schema?: string;
}

export interface MigrationSet {
  /** The SQL files of the folder, in the order they are applied. */
  migrations(): Promise<Migration[]>;
  /** Applies the migrations not yet applied to `schema` (default `public`); returns their ids. */
  migrate(executor: SqlExecutor, options?: MigrateOptions): Promise<string[]>;
}

const definitionSchema = z.strictObject({
  namespace: z.string().min(1).max(200),
  // readMigrationsDir checks the rest (file: URL ending in /) when the folder is read.
  folder: z.instanceof(URL),
  name: z.string().min(1).optional(),
});

// Strict: `{ schemma: "shop" }` would otherwise migrate into `public` without a word.
const migrateOptionsSchema = z.strictObject({ schema: z.string().min(1).optional() });

/**
 * The migrations of one package, read from its shipped `migrations/` folder,
 * and the `migrate` function that applies them under the package's namespace.
 * Every Lunas package with tables defines its `migrate*` function with this.
 */
export function defineMigrations(definition: DefineMigrationsOptions): MigrationSet {
  const { namespace, folder, name } = parseInput(
    definitionSchema,
    definition,
    "defineMigrations definition",
  );
  const label = `${name ?? `${namespace} migrate`} options`;
  const migrations = () => readMigrationsDir(folder);
  return {
    migrations,
    async migrate(executor, options = {}) {
      const { schema } = parseInput(migrateOptionsSchema, options, label);
      return runMigrations(executor, {
        namespace,
        migrations: await migrations(),
        schema: schema ?? "public",
      });
    },
  };
}
