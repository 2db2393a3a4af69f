import { createPostgresTestSchema, type TestDatabase } from "@lunas/core/testing";
import { rateLimiterConformance } from "@lunas/fonnte-ai/conformance";
import { migrateFonnteAi, PostgresRateLimiter } from "@lunas/fonnte-ai/postgres";
import { afterAll, beforeAll, describe } from "vitest";

describe.each([["PostgreSQL", () => createPostgresTestSchema("fonnte_limits")]])(
  "PostgresRateLimiter on %s",
  (name, create) => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await create();
      await migrateFonnteAi(db.executor, { schema: db.schema });
    });
    afterAll(() => db.drop());

    rateLimiterConformance(
      name,
      async () => ({
        limiter: new PostgresRateLimiter(db.executor, { schema: db.schema }),
        cleanup: async () => {
          await db.executor.query(`delete from "${db.schema}".fonnte_ai_rate_limits`);
        },
      }),
      { second: async () => new PostgresRateLimiter(db.executor, { schema: db.schema }) },
    );
  },
);
