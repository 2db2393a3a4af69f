import { createPgPool, type PgPoolOptions } from "@lunas/core/postgres";
import { afterEach, describe, expect, it } from "vitest";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
// Not a real certificate: only handed to pg, which hands it to TLS.
const CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("createPgPool", () => {
  const pools: ReturnType<typeof createPgPool>[] = [];
  const pool = (options: PgPoolOptions) => {
    const created = createPgPool(options);
    pools.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end().catch(() => {})));
  });

  it("keeps its defaults when given only a connection string", () => {
    const { options } = pool({ connectionString: DATABASE_URL });
    expect(options).toMatchObject({
      max: 10,
      connectionTimeoutMillis: 10_000,
      statement_timeout: 30_000,
      query_timeout: 35_000,
    });
    expect(options).not.toHaveProperty("ssl");
  });

  it("sends application_name and the server-side timeouts to the server", async () => {
    const p = pool({
      connectionString: DATABASE_URL,
      application_name: "lunas-worker",
      statement_timeout: 12_345,
      lock_timeout: 2_000,
      idle_in_transaction_session_timeout: 60_000,
      idleTimeoutMillis: 1_000,
      max: 1,
    });
    const { rows } = await p.query<Record<string, string>>(
      `select current_setting('application_name') as app,
              current_setting('statement_timeout') as statement,
              current_setting('lock_timeout') as lock,
              current_setting('idle_in_transaction_session_timeout') as idle_tx`,
    );
    expect(rows[0]).toEqual({
      app: "lunas-worker",
      statement: "12345ms",
      lock: "2s",
      idle_tx: "1min",
    });
    // The client-side limit follows pg's spelling of the statement timeout too.
    expect(p.options).toMatchObject({ query_timeout: 17_345, idleTimeoutMillis: 1_000 });
  });

  it("connects over TLS when ssl is set: a server without TLS is refused, not used in clear", async () => {
    const p = pool({
      connectionString: DATABASE_URL,
      ssl: { ca: CA_PEM, rejectUnauthorized: true },
      connectionTimeoutMillis: 5_000,
    });
    expect(p.options.ssl).toEqual({ ca: CA_PEM, rejectUnauthorized: true });
    // The test server has TLS off, so a pool that really asks for TLS cannot connect.
    await expect(p.query("select 1")).rejects.toThrow(/SSL|TLS/i);
  });

  it("accepts the connection as host, port, user and database", async () => {
    const url = new URL(DATABASE_URL);
    const p = pool({
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username),
      database: url.pathname.slice(1),
      password: async () => decodeURIComponent(url.password),
      max: 1,
    });
    expect((await p.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
  });

  it("rejects misspelt or ill-typed pg options with INVALID_ARGUMENT naming them", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ connectionString: DATABASE_URL, idleTimeoutMilis: 1_000 }, "idleTimeoutMilis"],
      [{ connectionString: DATABASE_URL, applicationName: "x" }, "applicationName"],
      [{ connectionString: DATABASE_URL, ssl: { rejectUnauthorised: false } }, "ssl"],
      [{ connectionString: DATABASE_URL, ssl: "require" }, "ssl"],
      [{ connectionString: DATABASE_URL, ssl: { ca: 42 } }, "ssl"],
      [
        { connectionString: DATABASE_URL, statement_timeout: 1, statementTimeoutMillis: 1 },
        "statement_timeout",
      ],
      [
        { connectionString: DATABASE_URL, query_timeout: 1, queryTimeoutMillis: 1 },
        "query_timeout",
      ],
      [{ connectionString: DATABASE_URL, idleTimeoutMillis: -1 }, "idleTimeoutMillis"],
      [{ connectionString: DATABASE_URL, min: 11 }, "min"],
      [{ connectionString: DATABASE_URL, port: 70_000 }, "port"],
      [{ connectionString: DATABASE_URL, application_name: "x".repeat(64) }, "application_name"],
      [{ max: 1 }, "connectionString"],
      [
        { connectionString: `${DATABASE_URL}?sslmode=require`, ssl: { rejectUnauthorized: true } },
        "ssl",
      ],
    ];
    for (const [options, field] of cases) {
      expect(() => createPgPool(options as never), field).toThrow(
        expect.objectContaining({
          code: "INVALID_ARGUMENT",
          issues: expect.arrayContaining([expect.stringContaining(field)]),
        }),
      );
    }
  });
});
