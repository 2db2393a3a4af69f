import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createPostgresTestSchema, type TestDatabase } from "@lunas/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateTokenStore } from "./fixtures/token-migration.js";

const run = promisify(execFile);
const child = fileURLToPath(new URL("./fixtures/login-child.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

const PROCESSES = 4;
const CALLS_PER_PROCESS = 50;

describe("token provider across OS processes sharing PostgreSQL", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createPostgresTestSchema("tokmp");
    await migrateTokenStore(db.executor, db.schema);
    await db.executor.exec(`
      create table "${db.schema}".ready (name text primary key);
      create table "${db.schema}".logins (id serial primary key, process text not null)`);
  });
  afterAll(() => db.drop());

  it(`${PROCESSES * CALLS_PER_PROCESS} concurrent getToken() calls over ${PROCESSES} processes, cold cache -> exactly 1 login`, async () => {
    const connectionString = db.connectionString;
    if (!connectionString) throw new Error("test database has no connection string");
    const outputs = await Promise.all(
      Array.from({ length: PROCESSES }, (_, i) =>
        run(
          process.execPath,
          [
            "--import",
            "tsx",
            child,
            connectionString,
            db.schema,
            String(CALLS_PER_PROCESS),
            String(PROCESSES),
            `process-${i}`,
          ],
          { cwd: repoRoot, timeout: 60_000 },
        ),
      ),
    );
    const results = outputs.map(
      ({ stdout }) => JSON.parse(stdout) as { name: string; calls: number; tokens: string[] },
    );

    const { rows: logins } = await db.executor.query<{ process: string }>(
      `select process from "${db.schema}".logins`,
    );
    expect(logins).toHaveLength(1);
    const winner = logins[0]?.process;
    expect(results.map((r) => r.calls)).toEqual(Array(PROCESSES).fill(CALLS_PER_PROCESS));
    for (const result of results) expect(result.tokens).toEqual([`token-from-${winner}`]);
    const { rows: stored } = await db.executor.query<{ value: string }>(
      `select value from "${db.schema}".lunas_tokens`,
    );
    expect(stored).toEqual([{ value: `token-from-${winner}` }]);
    const { rows: leases } = await db.executor.query(
      `select key from "${db.schema}".lunas_tokens_leases`,
    );
    expect(leases).toEqual([]);
  }, 90_000);
});
