import { quoteIdentifier } from "@lunas/core";
import type { TestDatabase } from "@lunas/core/testing";
import { afterAll } from "vitest";
import { migrateMikrotikVouchers } from "../src/postgres.js";

/**
 * One database per test file, a freshly migrated schema per test: opening a
 * PGlite instance or a pg pool per test costs seconds on a shared machine.
 */
export function sharedTestDatabase(open: () => Promise<TestDatabase>) {
  let database: Promise<TestDatabase> | undefined;
  let count = 0;
  afterAll(async () => {
    await (await database)?.drop();
  });
  return {
    async freshSchema() {
      database ??= open();
      const db = await database;
      const schema = `${db.schema === "public" ? "s" : db.schema}_${++count}`;
      await migrateMikrotikVouchers(db.executor, { schema });
      return {
        executor: db.executor,
        schema,
        db,
        cleanup: () => db.executor.exec(`drop schema if exists ${quoteIdentifier(schema)} cascade`),
      };
    },
  };
}
