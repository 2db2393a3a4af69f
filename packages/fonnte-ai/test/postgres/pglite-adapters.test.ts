import { createPgliteTestDatabase, type TestDatabase } from "@lunas/core/testing";
import {
  identityResolverConformance,
  phoneVerificationStoreConformance,
  rateLimiterConformance,
  SESSION_CONFORMANCE_POLICY,
  sessionStoreConformance,
} from "@lunas/fonnte-ai/conformance";
import {
  migrateFonnteAi,
  PostgresIdentityResolver,
  PostgresPhoneVerificationStore,
  PostgresRateLimiter,
  PostgresSessionStore,
} from "@lunas/fonnte-ai/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUsersTable } from "../identity/users-table.js";

// Every PostgreSQL adapter on embedded PGlite, in one file: a PGlite instance
// costs seconds of CPU to boot, so the package boots it once. The same suites
// run on the PostgreSQL server in each adapter's own test file.
describe("PostgreSQL adapters on PGlite", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createPgliteTestDatabase();
    expect(await migrateFonnteAi(db.executor, { schema: db.schema })).toEqual(["0001_fonnte_ai"]);
  });
  afterAll(() => db.drop());

  const clear = (table: string) => async () => {
    await db.executor.query(`delete from "${db.schema}".${table}`);
  };

  sessionStoreConformance("PostgresSessionStore on PGlite", async () => ({
    store: new PostgresSessionStore(db.executor, {
      schema: db.schema,
      ...SESSION_CONFORMANCE_POLICY,
    }),
    cleanup: clear("fonnte_ai_sessions"),
  }));

  rateLimiterConformance(
    "PostgresRateLimiter on PGlite",
    async () => ({
      limiter: new PostgresRateLimiter(db.executor, { schema: db.schema }),
      cleanup: clear("fonnte_ai_rate_limits"),
    }),
    { second: async () => new PostgresRateLimiter(db.executor, { schema: db.schema }) },
  );

  phoneVerificationStoreConformance("PostgresPhoneVerificationStore on PGlite", async () => ({
    store: new PostgresPhoneVerificationStore(db.executor, { schema: db.schema }),
    cleanup: clear("fonnte_ai_phone_verifications"),
  }));

  identityResolverConformance("PostgresIdentityResolver on PGlite", async ({ users }) => {
    await createUsersTable(db.executor, db.schema, users);
    return {
      resolver: new PostgresIdentityResolver(db.executor, { schema: db.schema }),
      cleanup: async () => {
        await db.executor.query(`drop table "${db.schema}".users`);
      },
    };
  });

  it("applies its migrations once", async () => {
    expect(await migrateFonnteAi(db.executor, { schema: db.schema })).toEqual([]);
  });
});
