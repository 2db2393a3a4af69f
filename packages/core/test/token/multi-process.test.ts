import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createPostgresTestSchema, type TestDatabase } from "@lunas/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RevokingTokenServer, revokingTokenClient } from "./fixtures/revoking-token-server.js";
import { migrateTokenStore } from "./fixtures/token-migration.js";

const run = promisify(execFile);
const child = fileURLToPath(new URL("./fixtures/login-child.ts", import.meta.url));
const stormChild = fileURLToPath(new URL("./fixtures/storm-child.ts", import.meta.url));
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

  it(`${PROCESSES} processes x ${CALLS_PER_PROCESS} callers see their token revoked (login 50 ms, call 10 ms) -> exactly 1 login, 0 failed calls`, async () => {
    const connectionString = db.connectionString;
    if (!connectionString) throw new Error("test database has no connection string");
    await db.executor.exec(`
      truncate "${db.schema}".ready, "${db.schema}".lunas_tokens, "${db.schema}".lunas_tokens_leases`);
    const server = await RevokingTokenServer.start({ loginMs: 50, callMs: 10 });
    try {
      // A warm store: token-1 is what every process reads first, then the
      // provider expires it server-side, so all 200 calls start with a 401.
      const warm = await revokingTokenClient(server.url).fetchToken(AbortSignal.timeout(10_000));
      await db.executor.query(
        `insert into "${db.schema}".lunas_tokens (key, value, expires_at, updated_at)
         values ('api:ops', $1, now() + interval '1 hour', now())`,
        [warm.token],
      );
      server.expireAll();
      const outputs = await Promise.all(
        Array.from({ length: PROCESSES }, (_, i) =>
          run(
            process.execPath,
            [
              "--import",
              "tsx",
              stormChild,
              connectionString,
              db.schema,
              server.url,
              String(CALLS_PER_PROCESS),
              String(PROCESSES),
              `storm-${i}`,
            ],
            { cwd: repoRoot, timeout: 60_000 },
          ),
        ),
      );
      const results = outputs.map(
        ({ stdout }) =>
          JSON.parse(stdout) as {
            ok: number;
            failed: number;
            firstFailure: string | null;
            tokens: string[];
          },
      );
      expect(results.map((r) => r.firstFailure)).toEqual(Array(PROCESSES).fill(null));
      expect(results.map((r) => r.failed)).toEqual(Array(PROCESSES).fill(0));
      expect(results.map((r) => r.ok)).toEqual(Array(PROCESSES).fill(CALLS_PER_PROCESS));
      // token-1 was the warm-up's login; exactly one more for all 200 rejected calls.
      expect(server.logins).toBe(2);
      for (const result of results) expect(result.tokens).toEqual(["token-2"]);
      expect(server.calls.unauthorized).toBe(PROCESSES * CALLS_PER_PROCESS);
      const { rows: stored } = await db.executor.query<{ value: string }>(
        `select value from "${db.schema}".lunas_tokens`,
      );
      expect(stored).toEqual([{ value: "token-2" }]);
    } finally {
      await server.close();
    }
  }, 90_000);
});
