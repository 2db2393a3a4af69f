import { MemoryIdempotencyStore } from "@lunas/core";
import { PostgresIdempotencyStore } from "@lunas/core/postgres";
import { createPgliteTestDatabase, type TestDatabase } from "@lunas/core/testing";
import { createMeetingBooker, meetingBookingKey } from "@lunas/rapatin";
import { migrateRapatin } from "@lunas/rapatin/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let lite: TestDatabase;
// One PGlite instance for the file: starting one is slow.
beforeAll(async () => {
  lite = await createPgliteTestDatabase();
});
afterAll(async () => {
  await lite.drop();
});

const unusedClient = {
  listSchedules: async () => {
    throw new Error("no Rapatin call may run");
  },
  createSchedule: async () => {
    throw new Error("no Rapatin call may run");
  },
};

describe("a stored booking the booker cannot trust", () => {
  it("answers a typed error, not a ZodError, for a hand-edited booking", async () => {
    await migrateRapatin(lite.executor, { schema: "edited" });
    const store = new PostgresIdempotencyStore(lite.executor, { schema: "edited" });
    const now = Date.UTC(2026, 0, 1);
    await store.claim({
      key: meetingBookingKey("ORD-9"),
      fingerprint: "f",
      holder: "h",
      now,
      leaseExpiresAt: now + 1,
      expiresAt: now + 86_400_000,
    });
    await store.complete(
      meetingBookingKey("ORD-9"),
      "h",
      { orderId: "ORD-9" },
      now + 86_400_000,
      now,
    );
    const booker = createMeetingBooker({ client: unusedClient, store, clock: { now: () => now } });
    await expect(booker.get("ORD-9")).rejects.toMatchObject({
      code: "RAPATIN_BOOKING_STORE_FAILED",
      message: expect.stringContaining("ORD-9"),
    });
  });

  it("refuses a stored booking recorded under another order's key", async () => {
    const store = new MemoryIdempotencyStore();
    const booking = {
      orderId: "ORD-2",
      scheduleId: "1",
      meetingId: "83000000001",
      joinUrl: "https://us06web.zoom.us/j/83000000001",
      registrationUrl: null,
      passcode: null,
      topic: "T [ref:ORD-2]",
      startDate: "2026-03-01",
      startTime: "19:30:00",
      productId: 1,
      bookedAt: 0,
    };
    await store.claim({
      key: meetingBookingKey("ORD-1"),
      fingerprint: "f",
      holder: "h",
      now: 0,
      leaseExpiresAt: 1,
      expiresAt: 86_400_000,
    });
    await store.complete(meetingBookingKey("ORD-1"), "h", booking, 86_400_000, 0);
    const booker = createMeetingBooker({ client: unusedClient, store, clock: { now: () => 0 } });
    await expect(booker.get("ORD-1")).rejects.toMatchObject({
      code: "RAPATIN_BOOKING_STORE_FAILED",
    });
    await store.claim({
      key: meetingBookingKey("ORD-2"),
      fingerprint: "f",
      holder: "h",
      now: 0,
      leaseExpiresAt: 1,
      expiresAt: 86_400_000,
    });
    await store.complete(meetingBookingKey("ORD-2"), "h", booking, 86_400_000, 0);
    expect(await booker.get("ORD-2")).toEqual({ orderId: "ORD-2", status: "booked", booking });
  });
});

describe("migrateRapatin", () => {
  it("applies what the booker needs (core's idempotency table) once, a no-op the second time, with row level security on", async () => {
    const applied = await migrateRapatin(lite.executor, { schema: "bookings" });
    expect(applied).toContain("0002_idempotency_store");
    expect(await migrateRapatin(lite.executor, { schema: "bookings" })).toEqual([]);
    const { rows } = await lite.executor.query<{ relrowsecurity: boolean }>(
      "select relrowsecurity from pg_class where oid = 'bookings.lunas_idempotency'::regclass",
    );
    expect(rows[0]?.relrowsecurity).toBe(true);
  });

  it("rejects a misspelt option instead of migrating into public", async () => {
    await expect(migrateRapatin(lite.executor, { schemma: "shop" } as never)).rejects.toMatchObject(
      { code: "INVALID_ARGUMENT", message: expect.stringContaining("schemma") },
    );
    const { rows } = await lite.executor.query("select 1 from pg_namespace where nspname = 'shop'");
    expect(rows).toEqual([]);
  });
});
