import { createIdempotentProcessor } from "@lunas/core";
import { migrateCore, PostgresIdempotencyStore } from "@lunas/core/postgres";
import { createPostgresTestSchema, ManualClock } from "@lunas/core/testing";
import { describe, expect, it } from "vitest";
import type { NewHotspotUser } from "../../src/index.js";
import { PostgresVoucherStore } from "../../src/postgres.js";
import { FakeRouterOsServer } from "../../src/testing.js";
import { sharedTestDatabase } from "../shared-test-database.js";
import { plan, voucherWorld } from "./voucher-world.js";

const database = sharedTestDatabase(() => createPostgresTestSchema("vouchers_workers"));

/** Two processes: each its own RouterOS connection and service, sharing one PostgreSQL schema and one router. */
async function twoWorkers() {
  const { executor, schema } = await database.freshSchema();
  await migrateCore(executor, { schema });
  const server = await FakeRouterOsServer.start({ profiles: ["1-hari"], latencyMs: 2 });
  const clock = new ManualClock();
  const worker = () =>
    voucherWorld({
      server,
      clock,
      store: new PostgresVoucherStore(executor, { schema }),
      idempotency: new PostgresIdempotencyStore(executor, { schema }),
      service: { leaseMs: 60_000 },
    });
  const a = await worker();
  const b = await worker();
  return { a, b, server, clock, executor, schema, close: () => server.close() };
}

describe("VoucherService: workers sharing PostgreSQL", () => {
  it("two workers fulfilling the same purchase at once → quantity users, one delivery", async () => {
    const { a, b, server, close } = await twoWorkers();
    try {
      await a.service.createPurchase({
        id: "ORD-W",
        quantity: 25,
        customerPhone: "6281234567890",
        plan,
      });
      const results = await Promise.allSettled([
        a.service.paymentSucceeded("ORD-W"),
        b.service.paymentSucceeded("ORD-W"),
      ]);
      for (const result of results) {
        if (result.status === "rejected") {
          expect(result.reason, "the loser is told to come back later").toMatchObject({
            code: "IDEMPOTENCY_IN_PROGRESS",
          });
        }
      }
      expect(
        results.some((r) => r.status === "fulfilled"),
        "one worker fulfilled",
      ).toBe(true);
      // The queue's retry of the loser: replayed, nothing new.
      const retried = await b.service.paymentSucceeded("ORD-W");
      expect(retried.purchase.status, "completed").toBe("completed");
      expect(a.tagged("ORD-W"), "exactly 25 users on the router").toHaveLength(25);
      expect(server.users(), "nothing else on the router").toHaveLength(25);
      expect(a.sent.length + b.sent.length, "one delivery").toBe(1);
      expect(retried.vouchers, "25 stored").toHaveLength(25);
    } finally {
      await close();
    }
  });

  it("a worker that died mid-batch holding the claim: after its lease another completes with exactly quantity", async () => {
    const { a, b, clock, close, executor, schema } = await twoWorkers();
    try {
      await a.service.createPurchase({
        id: "ORD-C",
        quantity: 10,
        customerPhone: "6281234567890",
        plan,
      });
      // Worker A's process: it claimed the purchase (the service's key), created 4 of
      // the 10 users, and died: no completion, no release.
      const deadWorker = createIdempotentProcessor({
        store: new PostgresIdempotencyStore(executor, { schema }),
        clock,
        leaseMs: 60_000,
      });
      let created!: () => void;
      const fourCreated = new Promise<void>((resolve) => {
        created = resolve;
      });
      void deadWorker.run("mikrotik-vouchers:fulfil:ORD-C", { purchaseId: "ORD-C" }, async () => {
        const users: NewHotspotUser[] = ["A1b2c3", "D4e5f6", "G7h8j9", "K2m3n4"].map((name) => ({
          name,
          password: name,
          profile: "1-hari",
          comment: "vc-100-01.01.26-ORD-C",
          purchaseTag: "ORD-C",
        }));
        await a.router.addUsers(users);
        created();
        return new Promise(() => {});
      });
      await fourCreated;
      await expect(b.service.paymentSucceeded("ORD-C"), "A still holds it").rejects.toMatchObject({
        code: "IDEMPOTENCY_IN_PROGRESS",
      });
      clock.advance(60_001);
      const result = await b.service.paymentSucceeded("ORD-C");
      expect(result.purchase.status, "B completed").toBe("completed");
      const names = b.tagged("ORD-C").map((u) => u.name);
      expect(names, "exactly 10").toHaveLength(10);
      expect(names, "A's 4 kept").toEqual(
        expect.arrayContaining(["A1b2c3", "D4e5f6", "G7h8j9", "K2m3n4"]),
      );
      expect(result.vouchers, "10 stored, A's included").toHaveLength(10);
    } finally {
      await close();
    }
  });
});
