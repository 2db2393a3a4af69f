import {
  createPgliteTestDatabase,
  createPostgresTestSchema,
  type TestDatabase,
} from "@lunas/core/testing";
import { migrateRapatin, PostgresBookingStore } from "@lunas/rapatin/postgres";
import { describeBookingStoreConformance } from "@lunas/rapatin/testing";
import { afterAll, describe, expect, it } from "vitest";

let pg: TestDatabase | undefined;
let lite: TestDatabase | undefined;
afterAll(async () => {
  await pg?.drop();
  await lite?.drop();
});

describeBookingStoreConformance("PostgresBookingStore on PostgreSQL", {
  async create() {
    pg ??= await createPostgresTestSchema("rapatin_bookings");
    await migrateRapatin(pg.executor, { schema: pg.schema });
    await pg.executor.query(`truncate "${pg.schema}".rapatin_bookings`);
    return new PostgresBookingStore(pg.executor, { schema: pg.schema });
  },
});

// One PGlite instance for the file (starting one is slow); each test starts from an empty table.
describeBookingStoreConformance("PostgresBookingStore on PGlite", {
  async create() {
    lite ??= await createPgliteTestDatabase();
    await migrateRapatin(lite.executor, { schema: lite.schema });
    await lite.executor.query("truncate rapatin_bookings");
    return new PostgresBookingStore(lite.executor, { schema: lite.schema });
  },
});

describe("PostgresBookingStore reading a row it cannot trust", () => {
  it("answers a typed error, not a ZodError, for a hand-edited booking", async () => {
    lite ??= await createPgliteTestDatabase();
    await migrateRapatin(lite.executor, { schema: "edited" });
    await lite.executor.query(
      `insert into edited.rapatin_bookings (order_id, status, meeting_id, booking, updated_at)
       values ('ORD-9', 'booked', '1', '{"orderId":"ORD-9"}', now())`,
    );
    const store = new PostgresBookingStore(lite.executor, { schema: "edited" });
    await expect(store.get("ORD-9")).rejects.toMatchObject({
      code: "RAPATIN_BOOKING_STORE_FAILED",
      message: expect.stringContaining("ORD-9"),
    });
    await expect(
      store.claim({ orderId: "ORD-9", holder: "a", now: 1, leaseUntil: 2 }),
    ).rejects.toMatchObject({ code: "RAPATIN_BOOKING_STORE_FAILED" });
  });
});

describe("migrateRapatin", () => {
  it("applies once, is a no-op the second time, and turns row level security on", async () => {
    lite ??= await createPgliteTestDatabase();
    expect(await migrateRapatin(lite.executor, { schema: "bookings" })).toEqual(["0001_bookings"]);
    expect(await migrateRapatin(lite.executor, { schema: "bookings" })).toEqual([]);
    const { rows } = await lite.executor.query<{ relrowsecurity: boolean }>(
      "select relrowsecurity from pg_class where oid = 'bookings.rapatin_bookings'::regclass",
    );
    expect(rows[0]?.relrowsecurity).toBe(true);
  });

  it("rejects unsafe schema and table names", () => {
    expect(
      () =>
        new PostgresBookingStore(
          {
            query: async () => ({ rows: [], rowCount: 0 }),
            exec: async () => {},
            transaction: async () => {
              throw new Error("no SQL may run");
            },
          },
          { table: "x; drop" },
        ),
    ).toThrow(/Invalid SQL identifier/);
  });
});
