import { createPostgresTestSchema, type TestDatabase } from "@lunas/core/testing";
import { identityResolverConformance } from "@lunas/fonnte-ai/conformance";
import { PostgresIdentityResolver } from "@lunas/fonnte-ai/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUsersTable } from "./users-table.js";

describe.each([["PostgreSQL", () => createPostgresTestSchema("fonnte_identity")]])(
  "PostgresIdentityResolver on %s",
  (name, create) => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await create();
    });
    afterAll(() => db.drop());

    identityResolverConformance(name, async ({ users }) => {
      await createUsersTable(db.executor, db.schema, users);
      return {
        resolver: new PostgresIdentityResolver(db.executor, { schema: db.schema }),
        cleanup: async () => {
          await db.executor.query(`drop table "${db.schema}".users`);
        },
      };
    });

    it("reads an app's own table and column names", async () => {
      await db.executor.exec(`create table "${db.schema}".members (
      member_no bigint primary key, wa text, active boolean)`);
      await db.executor.query(
        `insert into "${db.schema}".members values (7, '6281234567890', true), (8, '6281111111111', null)`,
      );
      const resolver = new PostgresIdentityResolver(db.executor, {
        schema: db.schema,
        table: "members",
        idColumn: "member_no",
        phoneColumn: "wa",
        approvedColumn: "active",
      });
      expect(await resolver.resolve("6281234567890")).toEqual({ userId: "7", approved: true });
      expect(await resolver.resolve("6281111111111")).toEqual({ userId: "8", approved: false });
      await db.executor.query(`drop table "${db.schema}".members`);
    });

    it("treats a number two users share as unknown, and refuses unsafe names", async () => {
      await createUsersTable(db.executor, db.schema, []);
      await db.executor.exec(
        `alter table "${db.schema}".users drop constraint users_phone_number_key`,
      );
      await db.executor.query(
        `insert into "${db.schema}".users (id, phone_number, is_approved) values ('a', '6281234567890', true), ('b', '6281234567890', true)`,
      );
      const resolver = new PostgresIdentityResolver(db.executor, { schema: db.schema });
      expect(await resolver.resolve("6281234567890")).toBeNull();
      await db.executor.query(`drop table "${db.schema}".users`);
      expect(
        () => new PostgresIdentityResolver(db.executor, { phoneColumn: 'x"; drop table users' }),
      ).toThrow(/identifier/);
    });
  },
);
