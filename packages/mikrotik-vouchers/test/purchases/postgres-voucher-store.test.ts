import { createPgliteTestDatabase, createPostgresTestSchema } from "@lunas/core/testing";
import { voucherStoreConformance } from "../../src/conformance.js";
import { PostgresVoucherStore } from "../../src/postgres.js";
import { sharedTestDatabase } from "../shared-test-database.js";

const postgres = sharedTestDatabase(() => createPostgresTestSchema("vouchers"));
voucherStoreConformance("PostgresVoucherStore on PostgreSQL", async () => {
  const { executor, schema, cleanup } = await postgres.freshSchema();
  return { store: new PostgresVoucherStore(executor, { schema }), cleanup };
});

const pglite = sharedTestDatabase(() => createPgliteTestDatabase());
voucherStoreConformance("PostgresVoucherStore on PGlite", async () => {
  const { executor, schema, cleanup } = await pglite.freshSchema();
  return { store: new PostgresVoucherStore(executor, { schema }), cleanup };
});
