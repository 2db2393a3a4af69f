import { createPostgresTestSchema, type TestDatabase } from "@lunas/core/testing";
import { SESSION_CONFORMANCE_POLICY, sessionStoreConformance } from "@lunas/fonnte-ai/conformance";
import { migrateFonnteAi, PostgresSessionStore } from "@lunas/fonnte-ai/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe.each([["PostgreSQL", () => createPostgresTestSchema("fonnte_sessions")]])(
  "PostgresSessionStore on %s",
  (name, create) => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await create();
      expect(await migrateFonnteAi(db.executor, { schema: db.schema })).toEqual(["0001_fonnte_ai"]);
    });
    afterAll(() => db.drop());

    sessionStoreConformance(name, async () => ({
      store: new PostgresSessionStore(db.executor, {
        schema: db.schema,
        ...SESSION_CONFORMANCE_POLICY,
      }),
      cleanup: async () => {
        await db.executor.query(`delete from "${db.schema}".fonnte_ai_sessions`);
      },
    }));

    it("applies its migrations once and keeps history as jsonb", async () => {
      expect(await migrateFonnteAi(db.executor, { schema: db.schema })).toEqual([]);
      const store = new PostgresSessionStore(db.executor, { schema: db.schema });
      await store.append("6281200000009", [{ role: "user", text: "halo" }], Date.UTC(2026, 0, 1));
      const { rows } = await db.executor.query<{ kind: string; first: string }>(
        `select pg_typeof(messages)::text as kind, messages->0->>'text' as first
       from "${db.schema}".fonnte_ai_sessions where key = '6281200000009'`,
      );
      expect(rows).toEqual([{ kind: "jsonb", first: "halo" }]);
    });

    it("refuses misspelt options with INVALID_ARGUMENT", () => {
      expect(() => new PostgresSessionStore(db.executor, { maxMesages: 5 } as never)).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT" }),
      );
      expect(() => new PostgresSessionStore(db.executor, { maxMessages: 1 })).toThrow(
        /maxMessages/,
      );
    });
  },
);
