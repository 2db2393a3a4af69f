import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../src/server.js";
import { orderBodies } from "./support/end-to-end-suite.js";
import { startInProcess } from "./support/in-process-service.js";
import { serviceClient } from "./support/service-client.js";
import { type StandIns, startStandIns } from "./support/stand-ins.js";
import { createTestDatabase } from "./support/test-database.js";

describe("two instances on one PostgreSQL", () => {
  let fakes: StandIns;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const instances: RunningServer[] = [];

  beforeAll(async () => {
    fakes = await startStandIns();
    db = await createTestDatabase("postgres");
    // Started together: the migrations' advisory lock lets only one apply them.
    instances.push(
      ...(await Promise.all([
        startInProcess({ ...fakes.env, ...db.env }),
        startInProcess({ ...fakes.env, ...db.env }),
      ])),
    );
  });
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    await fakes?.close();
    await db?.drop();
  });

  it("share the orders and fulfil every one exactly once", async () => {
    const [a, b] = instances.map((instance) => serviceClient(instance.url));
    if (!a || !b) throw new Error("two instances expected");
    const bodies = [
      ...Array.from({ length: 4 }, () => ({ ...orderBodies.hotspot_voucher, quantity: 2 })),
      ...Array.from({ length: 3 }, () => orderBodies.zoom_meeting),
      ...Array.from({ length: 3 }, (_, i) => ({ ...orderBodies.course, user_id: `user-${i}` })),
    ];
    const orders = await Promise.all(
      bodies.map(async (body, i) => {
        const created = await (i % 2 === 0 ? a : b).post("/orders", body);
        expect(created.status, created.text).toBe(201);
        return created.json as { order_id: string; session_id: string };
      }),
    );
    // Each payment reaches both instances, several times and at once, as a load balancer would spread Xendit's retries.
    await Promise.all(
      orders.map(async (order) => {
        const event = fakes.xendit.completeSession(order.session_id);
        const answers = await Promise.all(
          instances.flatMap((instance) => [
            fakes.xendit.deliverWebhook(`${instance.url}/webhooks/xendit`, event, {
              times: 3,
              concurrent: true,
            }),
          ]),
        );
        const bodies = answers.flat().map((d) => d.body as { replayed: boolean });
        expect(answers.flat().every((d) => d.status === 200)).toBe(true);
        expect(bodies.filter((body) => body.replayed === false)).toHaveLength(1);
      }),
    );
    for (const order of orders) {
      const done = await a.waitForOrder(order.order_id, (o) => o.status === "fulfilled");
      expect(done.fulfilment_runs).toBe(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const [i, order] of orders.entries()) {
      const seen = await (i % 2 === 0 ? b : a).get(`/orders/${order.order_id}`);
      expect(seen.json.fulfilment_runs).toBe(1);
      if (bodies[i]?.product_type === "hotspot_voucher") {
        const users = fakes.router
          .users()
          .filter((u) => u.email === `${order.order_id}@vouchers.invalid`);
        expect(users).toHaveLength(2);
      }
    }
    expect(fakes.rapatin.schedules).toHaveLength(3);
    expect(fakes.fonnte.sent).toHaveLength(4);
    const runs = await Promise.all(
      instances.map(async (instance) => {
        const metrics = await instance.services.metrics.fulfilments.get();
        return metrics.values.reduce(
          (sum, value) => sum + (value.labels.outcome === "fulfilled" ? value.value : 0),
          0,
        );
      }),
    );
    expect(runs.reduce((sum, n) => sum + n, 0)).toBe(orders.length);
  });
});
