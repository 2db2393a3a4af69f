import { MemoryIdempotencyStore, type SqlExecutor } from "@lunas/core";
import * as main from "@lunas/rapatin";
import * as postgres from "@lunas/rapatin/postgres";
import * as testing from "@lunas/rapatin/testing";
import { describe, expect, it } from "vitest";

// Every public options object is strict: a misspelt key is INVALID_ARGUMENT
// naming the key, never silently the default. Each entry's exports are walked
// so that a new factory cannot be added without a case here.

const noSql: SqlExecutor = {
  query: async () => {
    throw new Error("no SQL may run");
  },
  exec: async () => {
    throw new Error("no SQL may run");
  },
  transaction: async () => {
    throw new Error("no SQL may run");
  },
};
const client = main.createRapatinClient({ email: "a@example.com", password: "p" });
const request = {
  participants: 10,
  topic: "Kelas",
  startDate: "2026-03-01",
  startTime: "19:30",
};

/** Export name → a call with one key misspelt (sync or async). */
const misspelt: Record<string, [string, () => unknown]> = {
  createRapatinClient: [
    "timeoutMS",
    () =>
      main.createRapatinClient({ email: "a@example.com", password: "p", timeoutMS: 5 } as never),
  ],
  createMeetingBooker: ["leaseMS", () => main.createMeetingBooker({ client, leaseMS: 5 } as never)],
  scheduleMeetingForOrder: [
    "startTme",
    () =>
      main
        .createMeetingBooker({ client, store: new MemoryIdempotencyStore() })
        .scheduleMeetingForOrder("ORD-1", { ...request, startTme: "19:30" } as never),
  ],
  checkProductTable: [
    "maxParticipant",
    () => main.checkProductTable([{ maxParticipant: 100, productId: 1 } as never]),
  ],
  resolveProductId: [
    "productID",
    () => main.resolveProductId(10, [{ maxParticipants: 100, productID: 1 } as never]),
  ],
  migrateRapatin: ["schemma", () => postgres.migrateRapatin(noSql, { schemma: "shop" } as never)],
  FakeRapatinServer: ["delayMS", () => testing.FakeRapatinServer.start({ delayMS: 5 } as never)],
};

/** Exports that take no options object, and why. */
const withoutOptions = new Set([
  // Error classes: constructed by the package, not from a user's options.
  "BookingInProgressError",
  "BookingStoreError",
  "NoProductForParticipantsError",
  "RapatinApiError",
  "RapatinError",
  "RapatinLoginError",
  "RapatinNetworkError",
  "RapatinTimeoutError",
  "RapatinValidationError",
  // Plain string functions of an order id.
  "meetingBookingKey",
  "orderReference",
  "topicCarriesReference",
  "topicWithReference",
]);

describe("misspelt options in every exported factory of @lunas/rapatin", () => {
  it("leaves no exported function unwalked", () => {
    const functions = [main, postgres, testing].flatMap((entry) =>
      Object.entries(entry)
        .filter(([, value]) => typeof value === "function")
        .map(([name]) => name),
    );
    const unwalked = functions.filter((name) => !(name in misspelt) && !withoutOptions.has(name));
    expect(unwalked).toEqual([]);
  });

  for (const [name, [key, call]] of Object.entries(misspelt)) {
    it(`${name} rejects "${key}" with INVALID_ARGUMENT naming it`, async () => {
      const error = await (async () => call())().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({
        code: "INVALID_ARGUMENT",
        message: expect.stringContaining(key),
      });
    });
  }
});
