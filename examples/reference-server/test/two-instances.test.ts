import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../src/server.js";
import { orderBodies } from "./support/end-to-end-suite.js";
import { startInProcess } from "./support/in-process-service.js";
import { ADMIN_KEY, serviceClient } from "./support/service-client.js";
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
        // No job retries: the dashboard test below leaves a purchase failed for its button.
        startInProcess({ ...fakes.env, ...db.env, JOB_RETRY_LIMIT: "0" }),
        startInProcess({ ...fakes.env, ...db.env, JOB_RETRY_LIMIT: "0" }),
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

  it("shows a failed voucher purchase on the dashboard, whose Regenerate button completes it", async () => {
    const instance = instances[0];
    if (!instance) throw new Error("an instance expected");
    const api = serviceClient(instance.url);
    fakes.router.setDown(true);
    // The router checks the plan's profile before a voucher is sold: down, nothing is sold.
    const refused = await api.post("/orders", { ...orderBodies.hotspot_voucher, quantity: 2 });
    expect(refused.status, refused.text).toBe(503);
    fakes.router.setDown(false);
    const created = await api.post("/orders", { ...orderBodies.hotspot_voucher, quantity: 2 });
    expect(created.status, created.text).toBe(201);
    const { order_id: orderId, session_id: sessionId } = created.json;
    fakes.router.setDown(true);
    await fakes.xendit.deliverWebhook(
      `${instance.url}/webhooks/xendit`,
      fakes.xendit.completeSession(sessionId),
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      const failed = await api.get("/voucher/api/failed-vouchers", api.admin);
      if (failed.json.purchases.some((p: { id: string }) => p.id === orderId)) break;
      if (Date.now() > deadline) throw new Error("the purchase never failed");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    fakes.router.setDown(false);

    const anonymous = await fetch(`${instance.url}/admin`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic /);
    const basic = `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString("base64")}`;
    const page = await fetch(`${instance.url}/admin`, { headers: { authorization: basic } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`action="/admin/vouchers/${orderId}/regenerate"`);
    expect(html).toContain("Orders by status");

    const crossSite = await fetch(`${instance.url}/admin/vouchers/${orderId}/regenerate`, {
      method: "POST",
      headers: { authorization: basic, "sec-fetch-site": "cross-site" },
      redirect: "manual",
    });
    expect(crossSite.status).toBe(403);
    const clicked = await fetch(`${instance.url}/admin/vouchers/${orderId}/regenerate`, {
      method: "POST",
      headers: { authorization: basic, "sec-fetch-site": "same-origin", origin: instance.url },
      redirect: "manual",
    });
    expect(clicked.status).toBe(303);
    expect(decodeURIComponent(clicked.headers.get("location") ?? "")).toContain(
      `Purchase ${orderId}: completed`,
    );
    const done = await api.get(`/orders/${orderId}`);
    expect(done.json).toMatchObject({ status: "fulfilled", fulfilment_runs: 1 });
    expect(
      fakes.router.users().filter((u) => u.email === `${orderId}@vouchers.invalid`),
    ).toHaveLength(2);
    const after = await (
      await fetch(`${instance.url}/admin`, { headers: { authorization: basic } })
    ).text();
    expect(after).not.toContain(`action="/admin/vouchers/${orderId}/regenerate"`);
  });
});
