import { createConnection, createServer, type Server, type Socket } from "node:net";
import { createPgExecutor, createPgliteExecutor, createPgPool } from "@lunas/core/postgres";
import { createPostgresTestSchema, type TestDatabase } from "@lunas/core/testing";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("createPgExecutor on PostgreSQL", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createPostgresTestSchema("pgexec");
    const connectionString = db.connectionString;
    if (!connectionString) throw new Error("test database has no connection string");
    // A real pg.Pool at run time; its declared type is structural (no pg types in core's API).
    pool = createPgPool({ connectionString, max: 2 }) as pg.Pool;
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it("a connection dropped inside a transaction rejects it instead of crashing the process", async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", record);
    try {
      const executor = createPgExecutor(pool);
      const admin = db.pool;
      if (!admin) throw new Error("test database has no pool");
      // The connection the transaction gets, to wait for its end rather than a guessed delay.
      const acquired = new Promise<pg.PoolClient>((resolve) => pool.once("acquire", resolve));
      await expect(
        executor.transaction(async (tx) => {
          const client = await acquired;
          const ended = new Promise((resolve) => client.once("end", resolve));
          const { rows } = await tx.query<{ pid: number }>("select pg_backend_pid() as pid");
          await admin.query("select pg_terminate_backend($1)", [rows[0]?.pid]);
          // The server's FATAL has arrived and closed this connection while it sat idle in the transaction.
          await ended;
          await tx.query("select 1");
        }),
      ).rejects.toThrow();
      expect(uncaught).toEqual([]);
      // The dead connection was not handed back: the pool still answers.
      expect((await executor.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    } finally {
      process.off("uncaughtException", record);
    }
  });

  it("a query over a connection that stops answering (network gone, no reset) fails by the pool's query timeout", async () => {
    // A TCP relay to the real server that can go silent, as a dropped network does.
    let silent = false;
    const sockets: Socket[] = [];
    const relay: Server = createServer((client) => {
      const target = new URL(db.connectionString ?? "");
      const upstream = createConnection(Number(target.port || 5432), target.hostname);
      sockets.push(client, upstream);
      client.on("data", (chunk) => {
        if (!silent) upstream.write(chunk);
      });
      upstream.on("data", (chunk) => {
        if (!silent) client.write(chunk);
      });
      client.on("error", () => {});
      upstream.on("error", () => {});
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    const address = relay.address();
    if (address === null || typeof address === "string") throw new Error("relay has no port");
    const through = createPgPool({
      connectionString: `postgres://postgres@127.0.0.1:${address.port}/postgres`,
      max: 1,
      queryTimeoutMillis: 300,
    });
    try {
      const executor = createPgExecutor(through);
      expect((await executor.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
      silent = true;
      // pg's client-side timer, the pool's 300 ms: the default (35 s) would outlast this test.
      expect(through.options.query_timeout).toBe(300);
      await expect(executor.query("select 2 as two")).rejects.toThrow("Query read timeout");
    } finally {
      for (const socket of sockets) socket.destroy();
      await through.end().catch(() => {});
      await new Promise((resolve) => relay.close(resolve));
    }
  }, 15_000);
  it("rejects bad options with INVALID_ARGUMENT before opening anything", () => {
    for (const bad of [
      {},
      { connectionString: "" },
      { connectionString: "postgres://x", max: 0 },
      { connectionString: "postgres://x", statementTimeoutMillis: -1 },
      { connectionString: "postgres://x", queryTimeoutMillis: 1.5 },
      { connectionString: "postgres://x", onError: "log" },
    ]) {
      expect(() => createPgPool(bad as never)).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT" }),
      );
    }
  });

  it("rejects what is not a pool or a PGlite database with INVALID_ARGUMENT", () => {
    for (const bad of [undefined, {}, { query: "select 1" }]) {
      expect(() => createPgExecutor(bad as never)).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT" }),
      );
      expect(() => createPgliteExecutor(bad as never)).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT" }),
      );
    }
  });
});
