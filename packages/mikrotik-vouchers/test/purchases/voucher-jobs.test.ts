import { MemoryJobQueue } from "@lunas/core";
import { ManualClock } from "@lunas/core/testing";
import { expect, it } from "vitest";
import { createVoucherJobs } from "../../src/index.js";
import { plan, voucherWorld } from "./voucher-world.js";

it("a queued payment is fulfilled by the worker once, and a second enqueue while queued is a no-op", async () => {
  const clock = new ManualClock();
  const { service, tagged, sent } = await voucherWorld({ clock });
  const queue = new MemoryJobQueue({ clock, sleep: clock.sleep });
  await queue.start();
  try {
    const jobs = createVoucherJobs({ queue, service });
    await service.createPurchase({
      id: "ORD-Q",
      quantity: 3,
      customerPhone: "6281234567890",
      plan,
    });
    expect(await jobs.enqueuePaymentSucceeded("ORD-Q"), "queued").not.toBeNull();
    expect(await jobs.enqueuePaymentSucceeded("ORD-Q"), "already queued").toBeNull();
    await jobs.work();
    await queue.drain();
    expect((await service.getPurchase("ORD-Q")).purchase.status, "completed by the worker").toBe(
      "completed",
    );
    expect(tagged("ORD-Q"), "3 on the router").toHaveLength(3);
    expect(sent, "delivered once").toHaveLength(1);
  } finally {
    await queue.stop();
  }
});

it("refuses a misspelt option", () => {
  expect(() =>
    createVoucherJobs({
      queue: new MemoryJobQueue(),
      service: { paymentSucceeded: async () => ({}) as never },
      retrylimit: 3,
    } as never),
  ).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
});
