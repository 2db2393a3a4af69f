import { describe, expect, it, vi } from "vitest";
import { plan, voucherWorld } from "./voucher-world.js";

describe("VoucherService: purchase lifecycle", () => {
  it("creates nothing on the router until paid, then exactly quantity users, completed and delivered", async () => {
    const { service, server, sent, tagged, store } = await voucherWorld();
    const created = await service.createPurchase({
      id: "ORD-1",
      quantity: 5,
      customerPhone: "6281234567890",
      plan: { ...plan, prefix: "0" },
    });
    expect(created.status, "created: pending").toBe("pending");
    expect(server.users(), "created: nothing on the router").toEqual([]);

    const result = await service.paymentSucceeded("ORD-1");
    expect(result.purchase.status, "paid: completed").toBe("completed");
    expect(result.purchase.paidAt, "paid: paidAt").not.toBeNull();
    const users = tagged("ORD-1");
    expect(users, "paid: exactly 5 on the router").toHaveLength(5);
    expect(
      users.every((u) => u.name.startsWith("0") && typeof u.name === "string"),
      "codes keep the 0 prefix",
    ).toBe(true);
    expect(users[0], "router fields").toMatchObject({
      profile: "1-hari",
      "limit-uptime": "1d",
      "limit-bytes-total": String(2 * 1024 ** 3),
    });
    expect(users[0]?.comment, "Mikhmon-style comment").toMatch(/^vc-\d{3}-\d\d\.\d\d\.\d\d-ORD-1$/);
    expect(result.vouchers.map((v) => v.username).sort(), "stored = router").toEqual(
      users.map((u) => u.name).sort(),
    );
    expect(result.delivery?.status, "delivered").toBe("sent");
    expect(sent, "one message").toHaveLength(1);
    expect(sent[0]?.text, "Indonesian template").toContain(
      "Terima kasih! Pembayaran pesanan ORD-1",
    );
    expect(sent[0]?.text, "codes in the message").toContain(
      `1. Kode: ${result.vouchers[0]?.username}`,
    );
    expect(sent[0]?.text, "limits in the message").toContain("Masa aktif: 1 hari");
    expect(sent[0]?.text, "data limit").toContain("Kuota: 2 GB");
    expect(sent[0]?.text, "login URL").toContain("Login di: http://hotspot.example/login");
    expect((await store.listDeliveries("ORD-1"))[0]?.status, "delivery log").toBe("sent");

    const again = await service.paymentSucceeded("ORD-1");
    expect(again.replayed, "second payment webhook: replayed").toBe(true);
    expect(tagged("ORD-1"), "still 5").toHaveLength(5);
    expect(sent, "not sent twice").toHaveLength(1);
  });

  it("a dropped connection in the middle of a batch, then the retry: exactly quantity users", async () => {
    const { service, server, tagged } = await voucherWorld({ server: { latencyMs: 1 } });
    await service.createPurchase({
      id: "ORD-2",
      quantity: 10,
      customerPhone: "6281234567890",
      plan,
    });
    server.dropAfter(4, "/ip/hotspot/user/add");
    const result = await service.paymentSucceeded("ORD-2");
    expect(result.purchase.status, "completed after the retry").toBe("completed");
    expect(result.purchase.generationAttempts, "two attempts").toBe(2);
    const names = tagged("ORD-2").map((u) => u.name);
    expect(names, "exactly 10").toHaveLength(10);
    expect(new Set(names).size, "no duplicates").toBe(10);
  });

  it("router down for the whole retry budget → voucher_generation_failed; regenerate once it is back → completed, no duplicates", async () => {
    const { service, server, tagged, delays, sent } = await voucherWorld();
    await service.createPurchase({
      id: "ORD-3",
      quantity: 4,
      customerPhone: "6281234567890",
      plan,
    });
    server.setDown(true);
    const failed = await service.paymentSucceeded("ORD-3");
    expect(failed.purchase.status, "failed generation").toBe("voucher_generation_failed");
    expect(failed.purchase.generationAttempts, "3 attempts").toBe(3);
    expect(failed.purchase.lastError, "why").toMatch(/RouterOS|connect/i);
    expect(delays, "exponential backoff between the 3 attempts").toEqual([999, 1998]);
    expect(sent, "nothing sent").toEqual([]);
    expect(
      (await service.listFailedVouchers()).purchases.map((p) => p.id),
      "failed list",
    ).toEqual(["ORD-3"]);

    server.setDown(false);
    const regenerated = await service.regenerate("ORD-3");
    expect(regenerated.purchase.status, "regenerated").toBe("completed");
    expect(tagged("ORD-3"), "exactly 4").toHaveLength(4);
    expect(sent, "delivered once").toHaveLength(1);
    const again = await service.regenerate("ORD-3");
    expect(again.replayed, "regenerate of a completed purchase changes nothing").toBe(true);
    expect(tagged("ORD-3"), "still 4").toHaveLength(4);
  });

  it("the purchase tag survives Mikhmon's on-login comment rewrite", async () => {
    const { service, server, tagged } = await voucherWorld();
    await service.createPurchase({
      id: "ORD-4",
      quantity: 6,
      customerPhone: "6281234567890",
      plan,
    });
    expect((await service.paymentSucceeded("ORD-4")).purchase.status, "completed").toBe(
      "completed",
    );
    // Every customer logs in once: Mikhmon's on-login script rewrites each comment.
    for (const user of tagged("ORD-4")) server.simulateMikhmonFirstLogin(user.name);
    expect(
      tagged("ORD-4").every((u) => !u.comment?.includes("ORD-4")),
      "Mikhmon erased the purchase id from every comment",
    ).toBe(true);
    const { router } = await voucherWorld({ server });
    expect(await router.findPurchaseUsers("ORD-4"), "the tag survives in email").toHaveLength(6);
  });

  it("regenerate after Mikhmon rewrote the comments of a partial batch creates only the missing users", async () => {
    const { service, server, tagged } = await voucherWorld({
      service: { generationRetry: { maxAttempts: 1 } },
    });
    await service.createPurchase({
      id: "ORD-5",
      quantity: 6,
      customerPhone: "6281234567890",
      plan,
    });
    server.dropAfter(3, "/ip/hotspot/user/add");
    const failed = await service.paymentSucceeded("ORD-5");
    expect(failed.purchase.status, "one attempt: failed").toBe("voucher_generation_failed");
    expect(tagged("ORD-5"), "3 made before the drop").toHaveLength(3);
    for (const user of tagged("ORD-5")) server.simulateMikhmonFirstLogin(user.name);
    const regenerated = await service.regenerate("ORD-5");
    expect(regenerated.purchase.status, "completed").toBe("completed");
    expect(tagged("ORD-5"), "6, not 9").toHaveLength(6);
  });

  it("more tagged users than the quantity (a worker that lost its claim) are trimmed to exactly quantity", async () => {
    const { service, server, tagged } = await voucherWorld();
    await service.createPurchase({
      id: "ORD-T",
      quantity: 2,
      customerPhone: "6281234567890",
      plan,
    });
    for (const name of ["aaa222", "bbb333", "ccc444"]) {
      server.addUser({ name, password: name, profile: "1-hari", email: "ORD-T@vouchers.invalid" });
    }
    const result = await service.paymentSucceeded("ORD-T");
    expect(result.purchase.status, "completed").toBe("completed");
    expect(
      tagged("ORD-T").map((u) => u.name),
      "the two oldest kept",
    ).toEqual(["aaa222", "bbb333"]);
    expect(
      result.vouchers.map((v) => v.username),
      "stored",
    ).toEqual(["aaa222", "bbb333"]);
  });

  it("a stalled router → ROUTEROS_TIMEOUT recorded, voucher_generation_failed, no crash", async () => {
    const { ManualClock } = await import("@lunas/core/testing");
    const routerClock = new ManualClock();
    const { service, server } = await voucherWorld({
      client: { clock: routerClock, sleep: routerClock.sleep, commandTimeoutMs: 10_000 },
      service: { generationRetry: { maxAttempts: 1 } },
    });
    await service.createPurchase({
      id: "ORD-6",
      quantity: 3,
      customerPhone: "6281234567890",
      plan,
    });
    server.stall();
    const pending = service.paymentSucceeded("ORD-6");
    await vi.waitFor(() =>
      expect(server.commands.length, "print reached the router").toBeGreaterThan(1),
    );
    routerClock.advance(10_000);
    const result = await pending;
    expect(result.purchase.status, "stall: failed generation").toBe("voucher_generation_failed");
    expect(result.purchase.lastError, "stall: timeout named").toMatch(/did not finish/);
  });

  it("payment expiry or failure removes the purchase's router users", async () => {
    const { service, server, tagged, clock } = await voucherWorld({
      service: { generationRetry: { maxAttempts: 1 }, paymentWindowMs: 60_000 },
    });
    await service.createPurchase({
      id: "ORD-7",
      quantity: 5,
      customerPhone: "6281234567890",
      plan,
    });
    server.dropAfter(2, "/ip/hotspot/user/add");
    await service.paymentSucceeded("ORD-7");
    expect(tagged("ORD-7"), "2 left by the failed attempt").toHaveLength(2);
    const expired = await service.paymentExpired("ORD-7");
    expect(expired.purchase.status, "expired").toBe("expired");
    expect(expired.removedUsers, "removed").toBe(2);
    expect(tagged("ORD-7"), "none left").toEqual([]);
    await expect(service.paymentSucceeded("ORD-7"), "a late payment").rejects.toMatchObject({
      code: "PURCHASE_STATUS_CONFLICT",
    });

    server.addUser({ name: "other", email: "ORD-8@vouchers.invalid" });
    await service.createPurchase({
      id: "ORD-8",
      quantity: 1,
      customerPhone: "6281234567890",
      plan,
    });
    await service.createPurchase({
      id: "ORD-9",
      quantity: 1,
      customerPhone: "6281234567890",
      plan,
    });
    await service.paymentFailed("ORD-9");
    clock.advance(60_001);
    const swept = await service.cleanupExpired();
    expect(swept, "cleanupExpired").toEqual({ expired: ["ORD-8"], removedUsers: 1 });
    expect(tagged("ORD-8"), "ORD-8 users gone").toEqual([]);
    expect((await service.getPurchase("ORD-9")).purchase.status, "failed stays failed").toBe(
      "failed",
    );
    expect((await service.cleanupFailed("ORD-9")).removedUsers, "cleanupFailed").toBe(0);
  });
});

describe("VoucherService: bad input writes nothing", () => {
  it.each([
    ["quantity 0", "INVALID_ARGUMENT", { quantity: 0 }],
    ["quantity 10,001", "INVALID_ARGUMENT", { quantity: 10_001 }],
    ["unknown charset", "INVALID_ARGUMENT", { plan: { ...plan, charset: "hex" } }],
    ["length 0", "INVALID_ARGUMENT", { plan: { ...plan, length: 0 } }],
    ["misspelt option", "INVALID_ARGUMENT", { plan: { ...plan, lenght: 6 } }],
    ["bad time limit", "INVALID_ARGUMENT", { plan: { ...plan, timeLimit: "30 days" } }],
    [
      "more codes than exist",
      "INVALID_ARGUMENT",
      { quantity: 600, plan: { ...plan, length: 3, charset: "num" } },
    ],
    [
      "a profile the router does not have",
      "HOTSPOT_PROFILE_NOT_FOUND",
      { plan: { ...plan, profile: "7-hari" } },
    ],
  ])("%s → %s", async (_name, code, change) => {
    const { service, server, store } = await voucherWorld();
    const input = { id: "ORD-BAD", quantity: 2, customerPhone: "6281234567890", plan, ...change };
    await expect(service.createPurchase(input as never), "typed error").rejects.toMatchObject({
      code,
    });
    expect(await store.getPurchase("ORD-BAD"), "nothing in the store").toBeNull();
    expect(server.users(), "nothing on the router").toEqual([]);
    expect(
      server.commands.filter((c) => !c.command.endsWith("print")),
      "no writing command",
    ).toEqual([]);
  });

  it("refuses a purchase id reused with other details, and answers the same details with the stored purchase", async () => {
    const { service } = await voucherWorld();
    const input = { id: "ORD-1", quantity: 2, customerPhone: "6281234567890", plan };
    const first = await service.createPurchase(input);
    expect(await service.createPurchase(input), "same details").toEqual(first);
    await expect(
      service.createPurchase({ ...input, quantity: 3 }),
      "other details",
    ).rejects.toMatchObject({
      code: "PURCHASE_CONFLICT",
    });
  });
});

describe("VoucherService: delivery, recovery and monitoring", () => {
  it("logs every delivery attempt (error, failed, sent) and retryDelivery sends again", async () => {
    let calls = 0;
    const { service, clock } = await voucherWorld({
      send: async (_message, signal) => {
        calls++;
        if (calls === 1) throw new Error("socket hang up");
        if (calls === 2) return { status: "failed", reason: "device disconnected" };
        if (calls === 3) {
          // Never answers: the delivery timeout ends it.
          queueMicrotask(() => clock.advance(30_000));
          return new Promise((_, reject) =>
            signal.addEventListener("abort", () => reject(signal.reason)),
          );
        }
        return { status: "sent", providerMessageId: "msg-9" };
      },
    });
    await service.createPurchase({
      id: "ORD-D",
      quantity: 2,
      customerPhone: "6281234567890",
      plan,
    });
    const result = await service.paymentSucceeded("ORD-D");
    expect(result.purchase.status, "vouchers exist").toBe("completed");
    expect(result.delivery, "3 attempts, last timed out").toEqual({
      status: "error",
      attempts: 3,
      errorMessage: "The delivery did not answer within 30000 ms.",
    });
    let status = await service.deliveryStatus("ORD-D");
    expect(status.delivered, "not delivered").toBe(false);
    expect(
      status.attempts.map((a) => [a.attempt, a.status, a.errorMessage]),
      "log",
    ).toEqual([
      [1, "error", "socket hang up"],
      [2, "failed", "device disconnected"],
      [3, "error", "The delivery did not answer within 30000 ms."],
    ]);
    expect(await service.retryDelivery("ORD-D"), "retryDelivery").toMatchObject({
      status: "sent",
      attempts: 1,
    });
    status = await service.deliveryStatus("ORD-D");
    expect(status.delivered, "delivered").toBe(true);
    expect(status.attempts.at(-1), "attempt 4 sent").toMatchObject({
      attempt: 4,
      status: "sent",
      providerMessageId: "msg-9",
    });
  });

  it("bulkRegenerate answers per id; statistics and listPurchases reflect the lifecycle", async () => {
    const { service, server } = await voucherWorld({
      service: { generationRetry: { maxAttempts: 1 } },
    });
    for (const id of ["A", "B", "C"]) {
      await service.createPurchase({ id, quantity: 2, customerPhone: "6281234567890", plan });
    }
    server.setDown(true);
    await service.paymentSucceeded("A");
    await service.paymentSucceeded("B");
    server.setDown(false);
    const results = await service.bulkRegenerate(["A", "B", "C", "nope"]);
    expect(results, "per id").toEqual([
      { id: "A", status: "completed" },
      { id: "B", status: "completed" },
      {
        id: "C",
        status: "error",
        error: { code: "PURCHASE_STATUS_CONFLICT", message: expect.any(String) },
      },
      {
        id: "nope",
        status: "error",
        error: { code: "PURCHASE_NOT_FOUND", message: expect.any(String) },
      },
    ]);
    expect(await service.statistics(), "statistics").toMatchObject({
      purchases: { pending: 1, completed: 2, failed: 0, expired: 0, voucher_generation_failed: 0 },
      vouchers: 4,
      delivered: 2,
      undelivered: 0,
    });
    const page = await service.listPurchases({ status: "completed", limit: 1, offset: 1 });
    expect(page.total, "filter total").toBe(2);
    expect(page.purchases, "page size").toHaveLength(1);
    await expect(service.listPurchases({ limit: 0 }), "bad limit").rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });
});
