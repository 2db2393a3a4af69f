import { InvalidArgumentError } from "@lunas/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BookingStore, MeetingBooking } from "../booking/booking-store.js";

export interface BookingStoreFactory {
  /** A fresh, empty store (with its tables migrated). */
  create(): Promise<BookingStore>;
  /** Cleans up after one test. */
  destroy?(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 1);

function sampleBooking(orderId: string, meetingId = "83800000001"): MeetingBooking {
  return {
    orderId,
    scheduleId: "49",
    meetingId,
    joinUrl: `https://us06web.zoom.us/j/${meetingId}?pwd=x`,
    registrationUrl: null,
    passcode: "987654",
    topic: `Kelas [ref:${orderId}]`,
    startDate: "2026-02-01",
    startTime: "20:00:00",
    productId: 2,
    bookedAt: T0 + 5,
  };
}

/**
 * The behaviour every `BookingStore` must show, run against a real backend.
 * Call it from a test file with a factory for your adapter.
 */
export function describeBookingStoreConformance(name: string, factory: BookingStoreFactory): void {
  describe(`BookingStore conformance: ${name}`, () => {
    let store: BookingStore;

    beforeEach(async () => {
      store = await factory.create();
    });
    afterEach(async () => {
      await factory.destroy?.();
    });

    it("answers null for an unknown order", async () => {
      expect(await store.get("ORD-1")).toBeNull();
    });

    it("lets exactly one of many concurrent claims win", async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          store.claim({ orderId: "ORD-1", holder: `h${i}`, now: T0, leaseUntil: T0 + 1_000 }),
        ),
      );
      expect(outcomes.filter((o) => o.status === "acquired")).toHaveLength(1);
      expect(outcomes.filter((o) => o.status === "in_progress")).toHaveLength(11);
      const record = await store.get("ORD-1");
      expect(record?.status).toBe("pending");
    });

    it("gives a live claim back to its own holder and hands an expired one over", async () => {
      await store.claim({ orderId: "ORD-1", holder: "a", now: T0, leaseUntil: T0 + 1_000 });
      expect(
        (await store.claim({ orderId: "ORD-1", holder: "a", now: T0 + 1, leaseUntil: T0 + 2_000 }))
          .status,
      ).toBe("acquired");
      const blocked = await store.claim({
        orderId: "ORD-1",
        holder: "b",
        now: T0 + 1_999,
        leaseUntil: T0 + 3_000,
      });
      expect(blocked).toEqual({
        status: "in_progress",
        record: { orderId: "ORD-1", status: "pending", holder: "a", leaseUntil: T0 + 2_000 },
      });
      expect(
        (
          await store.claim({
            orderId: "ORD-1",
            holder: "b",
            now: T0 + 2_000,
            leaseUntil: T0 + 3_000,
          })
        ).status,
      ).toBe("acquired");
      expect(await store.get("ORD-1")).toMatchObject({ status: "pending", holder: "b" });
    });

    it("records a booking once and reads it back exactly", async () => {
      await store.claim({ orderId: "ORD-1", holder: "a", now: T0, leaseUntil: T0 + 1_000 });
      const booking = sampleBooking("ORD-1");
      expect(await store.complete("ORD-1", "a", booking)).toBe(true);
      expect(await store.get("ORD-1")).toEqual({ orderId: "ORD-1", status: "booked", booking });
      const again = await store.claim({
        orderId: "ORD-1",
        holder: "b",
        now: T0 + 10_000,
        leaseUntil: T0 + 11_000,
      });
      expect(again).toEqual({
        status: "booked",
        record: { orderId: "ORD-1", status: "booked", booking },
      });
      expect(await store.complete("ORD-1", "a", sampleBooking("ORD-1", "999"))).toBe(false);
      expect(await store.get("ORD-1")).toEqual({ orderId: "ORD-1", status: "booked", booking });
    });

    it("refuses to complete for a holder whose claim was taken over", async () => {
      await store.claim({ orderId: "ORD-1", holder: "a", now: T0, leaseUntil: T0 + 1_000 });
      await store.claim({ orderId: "ORD-1", holder: "b", now: T0 + 1_000, leaseUntil: T0 + 2_000 });
      expect(await store.complete("ORD-1", "a", sampleBooking("ORD-1"))).toBe(false);
      expect(await store.get("ORD-1")).toMatchObject({ status: "pending", holder: "b" });
      expect(await store.complete("ORD-1", "b", sampleBooking("ORD-1"))).toBe(true);
    });

    it("releases only the holder's own pending claim", async () => {
      await store.claim({ orderId: "ORD-1", holder: "a", now: T0, leaseUntil: T0 + 1_000 });
      await store.release("ORD-1", "b");
      expect(await store.get("ORD-1")).toMatchObject({ holder: "a" });
      await store.release("ORD-1", "a");
      expect(await store.get("ORD-1")).toBeNull();
      expect(
        (await store.claim({ orderId: "ORD-1", holder: "b", now: T0 + 1, leaseUntil: T0 + 2 }))
          .status,
      ).toBe("acquired");
    });

    it("never releases a booked order", async () => {
      await store.claim({ orderId: "ORD-1", holder: "a", now: T0, leaseUntil: T0 + 1_000 });
      await store.complete("ORD-1", "a", sampleBooking("ORD-1"));
      await store.release("ORD-1", "a");
      expect(await store.get("ORD-1")).toMatchObject({ status: "booked" });
    });

    it("keeps orders apart", async () => {
      await store.claim({ orderId: "ORD-1", holder: "a", now: T0, leaseUntil: T0 + 1_000 });
      expect(
        (await store.claim({ orderId: "ORD-10", holder: "b", now: T0, leaseUntil: T0 + 1_000 }))
          .status,
      ).toBe("acquired");
    });

    it("rejects bad input with a typed error and writes nothing", async () => {
      await expect(store.get("")).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(
        store.claim({ orderId: "bad id; drop", holder: "a", now: T0, leaseUntil: T0 + 1 }),
      ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      await expect(
        store.claim({ orderId: "ORD-1", holder: "", now: T0, leaseUntil: T0 + 1 }),
      ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      await expect(
        store.claim({ orderId: "ORD-1", holder: "a", now: -1, leaseUntil: T0 + 1 }),
      ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      await expect(
        store.complete("ORD-1", "a", { ...sampleBooking("ORD-2") }),
      ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      await expect(
        store.complete("ORD-1", "a", { ...sampleBooking("ORD-1"), joinUrl: "not a url" }),
      ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      expect(await store.get("ORD-1")).toBeNull();
      expect(await store.get("ORD-2")).toBeNull();
    });
  });
}
