import { createPostgresTestSchema, type TestDatabase } from "@lunas/core/testing";
import { MemoryPhoneVerificationStore } from "@lunas/fonnte-ai";
import { phoneVerificationStoreConformance } from "@lunas/fonnte-ai/conformance";
import { migrateFonnteAi, PostgresPhoneVerificationStore } from "@lunas/fonnte-ai/postgres";
import { afterAll, beforeAll, describe } from "vitest";

phoneVerificationStoreConformance("MemoryPhoneVerificationStore", async () => ({
  store: new MemoryPhoneVerificationStore(),
  cleanup: async () => {},
}));

describe.each([["PostgreSQL", () => createPostgresTestSchema("fonnte_otp")]])(
  "PostgresPhoneVerificationStore on %s",
  (name, create) => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await create();
      await migrateFonnteAi(db.executor, { schema: db.schema });
    });
    afterAll(() => db.drop());

    phoneVerificationStoreConformance(name, async () => ({
      store: new PostgresPhoneVerificationStore(db.executor, { schema: db.schema }),
      cleanup: async () => {
        await db.executor.query(`delete from "${db.schema}".fonnte_ai_phone_verifications`);
      },
    }));
  },
);
