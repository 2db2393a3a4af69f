import { buildFonnteWebhook, fonnteWebhookRequest } from "@lunas/fonnte-ai/testing";
import { buildMidtransNotification } from "@lunas/payment-sync/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_ROUTES } from "../../src/openapi/api-routes.js";
import type { RunningServer } from "../../src/server.js";
import { startInProcess } from "./in-process-service.js";
import { serviceClient } from "./service-client.js";
import { FONNTE_WEBHOOK_SECRET, type StandIns, startStandIns } from "./stand-ins.js";
import { createTestDatabase, type DatabaseKind } from "./test-database.js";

const PHONE = "6281234567890";

export const orderBodies = {
  zoom_meeting: {
    product_type: "zoom_meeting",
    customer_phone: PHONE,
    meeting: {
      topic: "Kelas Desain",
      participants: 120,
      start_date: "2027-03-01",
      start_time: "19:30",
    },
  },
  hotspot_voucher: {
    product_type: "hotspot_voucher",
    customer_phone: PHONE,
    plan: "1-hari",
    quantity: 3,
  },
  course: { product_type: "course", user_id: "ayu", course_id: "course-ts" },
} as const;

/** The end-to-end tests over real HTTP, run once per database kind. */
export function endToEndSuite(kind: DatabaseKind): void {
  describe(`reference server on ${kind}`, () => {
    let fakes: StandIns;
    let server: RunningServer;
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let api: ReturnType<typeof serviceClient>;

    beforeAll(async () => {
      fakes = await startStandIns();
      db = await createTestDatabase(kind);
      server = await startInProcess({ ...fakes.env, ...db.env });
      api = serviceClient(server.url);
    });
    afterAll(async () => {
      await server?.close();
      await fakes?.close();
      await db?.drop();
    });

    const count = async (table: string) => {
      const { rows } = await server.services.database.executor.query<{ n: string }>(
        `select count(*)::text as n from ${table}`,
      );
      return Number(rows[0]?.n);
    };

    const order = async (body: unknown) => {
      const created = await api.post("/orders", body);
      expect(created.status, created.text).toBe(201);
      expect(created.json.payment_link_url).toMatch(/^http/);
      return created.json as { order_id: string; session_id: string };
    };

    const pay = (sessionId: string, times = 1, concurrent = false) =>
      fakes.xendit.deliverWebhook(
        `${server.url}/webhooks/xendit`,
        fakes.xendit.completeSession(sessionId),
        { times, concurrent },
      );

    it("fulfils one purchase of each product type", async () => {
      const zoom = await order(orderBodies.zoom_meeting);
      const voucher = await order(orderBodies.hotspot_voucher);
      const course = await order(orderBodies.course);
      // The session id was stored with the order when the link was created.
      expect((await api.get(`/orders/${zoom.order_id}`)).json).toMatchObject({
        status: "awaiting_payment",
        session_id: zoom.session_id,
        payment: null,
      });

      for (const created of [zoom, voucher, course]) {
        const [delivery] = await pay(created.session_id);
        expect(delivery?.status).toBe(200);
      }
      const fulfilled = (o: { status: string }) => o.status === "fulfilled";
      const zoomDone = await api.waitForOrder(zoom.order_id, fulfilled);
      const voucherDone = await api.waitForOrder(voucher.order_id, fulfilled);
      const courseDone = await api.waitForOrder(course.order_id, fulfilled);

      expect(zoomDone.payment).toMatchObject({ status: "paid", session_id: zoom.session_id });
      expect(zoomDone.fulfilment.join_url).toMatch(/zoom\.us/);
      expect(fakes.rapatin.schedules).toHaveLength(1);
      expect(fakes.rapatin.schedules[0]?.topic).toContain(zoom.order_id);

      expect(voucherDone.voucher).toMatchObject({
        purchase_status: "completed",
        vouchers_created: 3,
        delivered: true,
      });
      const tagged = fakes.router
        .users()
        .filter((u) => u.email === `${voucher.order_id}@vouchers.invalid`);
      expect(tagged).toHaveLength(3);
      const [message] = fakes.fonnte.messagesTo(PHONE);
      for (const user of tagged) expect(message).toContain(user.name);

      expect(courseDone.fulfilment).toMatchObject({ user_id: "ayu", course_id: "course-ts" });
      const { rows } = await server.services.database.executor.query<{ items: string[] }>(
        "select items from payment_sync_users where user_id = 'ayu'",
      );
      expect(rows[0]?.items).toEqual(["course-ts"]);
      // The course grant went through payment-sync's stores: reconciliation is clean.
      const run = await api.post("/reconciliation/run", { mode: "validate" }, api.admin);
      expect(run.status).toBe(200);
      expect(run.json.users).toEqual([]);
    });

    it("fulfils once when Xendit delivers the webhook 20 times at once", async () => {
      const schedulesBefore = fakes.rapatin.schedules.length;
      const voucher = await order({ ...orderBodies.hotspot_voucher, quantity: 2 });
      const zoom = await order(orderBodies.zoom_meeting);
      const [voucherDeliveries, zoomDeliveries] = await Promise.all([
        pay(voucher.session_id, 20, true),
        pay(zoom.session_id, 20, true),
      ]);
      for (const deliveries of [voucherDeliveries, zoomDeliveries]) {
        expect(deliveries.map((d) => d.status)).toEqual(Array(20).fill(200));
        // One delivery ran the transaction (and queued the job); the others replayed its result.
        const ran = deliveries.filter((d) => (d.body as { replayed: boolean }).replayed === false);
        expect(ran).toHaveLength(1);
        expect(ran[0]?.body).toMatchObject({ result: { queued: "fulfil" } });
      }
      const fulfilled = (o: { status: string }) => o.status === "fulfilled";
      const voucherDone = await api.waitForOrder(voucher.order_id, fulfilled);
      const zoomDone = await api.waitForOrder(zoom.order_id, fulfilled);
      // Later redeliveries replay: still one fulfilment.
      expect((await pay(voucher.session_id, 3))[2]?.body).toMatchObject({ replayed: true });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect((await api.get(`/orders/${voucher.order_id}`)).json.fulfilment_runs).toBe(1);
      expect(voucherDone.fulfilment_runs).toBe(1);
      expect(zoomDone.fulfilment_runs).toBe(1);
      expect(
        fakes.router.users().filter((u) => u.email === `${voucher.order_id}@vouchers.invalid`),
      ).toHaveLength(2);
      expect(fakes.rapatin.schedules.length - schedulesBefore).toBe(1);
      const { rows: payments } = await server.services.database.executor.query(
        "select session_id from payments where session_id = $1",
        [voucher.session_id],
      );
      expect(payments).toHaveLength(1);
    });

    it("answers 401 on every admin route without the key, and with a wrong one", async () => {
      const routes: [string, string][] = [
        ["GET", "/metrics"],
        ["GET", "/voucher/api/dashboard"],
        ["GET", "/voucher/api/payments"],
        ["GET", "/voucher/api/delivery-status?purchase_id=x"],
        ["GET", "/voucher/api/failed-vouchers"],
        ["POST", "/voucher/api/retry-delivery/x"],
        ["POST", "/voucher/api/regenerate-voucher/x"],
        ["POST", "/voucher/api/bulk-regenerate"],
        ["POST", "/voucher/api/cleanup-failed/x"],
        ["POST", "/voucher/api/cleanup-expired"],
        ["GET", "/ledger/orphans"],
        ["POST", "/ledger/backfill"],
        ["POST", "/api/whatsapp/send"],
        ["GET", "/reconciliation/report"],
        ["POST", "/reconciliation/run"],
      ];
      for (const [method, path] of routes) {
        const anonymous = await api.call(method, path);
        expect(anonymous.status, `${method} ${path}`).toBe(401);
        expect(anonymous.json.error.code).toBe("UNAUTHORIZED");
        const wrong = await api.call(method, path, undefined, {
          authorization: "Bearer test-admin-key-0123456780",
        });
        expect(wrong.status, `${method} ${path} with a wrong key`).toBe(401);
      }
      expect((await api.get("/voucher/api/dashboard", api.admin)).status).toBe(200);
      expect((await api.get("/metrics", api.admin)).text).toContain("lunas_http_requests_total");
    });

    it("answers 400 JSON to malformed bodies and writes nothing", async () => {
      const tables = ["orders", "order_details", "voucher_purchases", "payments", "lunas_outbox"];
      const before = await Promise.all(tables.map(count));
      const bad: [string, unknown][] = [
        ["/orders", "{not json"],
        [
          "/orders",
          { product_type: "hotspot_voucher", customer_phone: "08x", plan: "1-hari", quantity: 3 },
        ],
        [
          "/orders",
          { product_type: "hotspot_voucher", customer_phone: PHONE, plan: "1-hari", quantity: 0 },
        ],
        ["/orders", { product_type: "course", user_id: "ayu", course_id: "no-such-course" }],
        ["/orders", { ...orderBodies.course, extra: true }],
        ["/orders", { product_type: "pizza" }],
        ["/voucher/purchase", { phone: PHONE, plan: "1-hari" }],
      ];
      for (const [path, body] of bad) {
        const response = await api.post(path, body);
        expect(response.status, `${path} ${JSON.stringify(body)}`).toBe(400);
        expect(response.json.error.code).toMatch(/^INVALID_/);
      }
      const webhook = await fetch(`${server.url}/webhooks/xendit`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-callback-token": fakes.xendit.callbackToken,
        },
        body: JSON.stringify({ event: "payment_session.completed", data: { amount: "lots" } }),
      });
      expect(webhook.status).toBe(400);
      expect((await webhook.json()).error.code).toBe("INVALID_PAYLOAD");
      const forged = await fakes.xendit.deliverWebhook(
        `${server.url}/webhooks/xendit`,
        { event: "payment_session.completed" },
        { token: "forged" },
      );
      expect(forged[0]?.status).toBe(401);
      const adminBad = await api.post("/api/whatsapp/send", { target: PHONE }, api.admin);
      expect(adminBad.status).toBe(400);
      expect(await Promise.all(tables.map(count))).toEqual(before);
    });

    it("serves the payment-sync Midtrans webhook, the WhatsApp bridge and the admin APIs", async () => {
      // Midtrans pays a course order: recorded and granted once, reconciliation stays clean.
      const course = await order({
        ...orderBodies.course,
        user_id: "budi",
        course_id: "course-go",
      });
      const notification = await buildMidtransNotification("demo-midtrans-server-key", {
        order_id: course.order_id,
        gross_amount: "99000.00",
      });
      const midtrans = await Promise.all(
        [1, 2, 3].map(() => api.post("/webhooks/midtrans", notification)),
      );
      // Concurrent duplicates answer 409 while the first runs (Midtrans retries them), then replay.
      expect(midtrans.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
      expect(midtrans.every((r) => r.status === 200 || r.status === 409)).toBe(true);
      expect((await api.post("/webhooks/midtrans", notification)).status).toBe(200);
      const forgedMidtrans = await api.post("/webhooks/midtrans", {
        ...notification,
        gross_amount: "1.00",
      });
      expect(forgedMidtrans.status).toBe(401);
      const { rows } = await server.services.database.executor.query<{ items: string[] }>(
        "select items from payment_sync_users where user_id = 'budi'",
      );
      expect(rows[0]?.items).toEqual(["course-go"]);
      const report = await api.post("/reconciliation/run", {}, api.admin);
      expect(report.json).toMatchObject({ schemaVersion: "1.0.0", users: [] });
      expect((await api.get("/reconciliation/report", api.admin)).json).toEqual(report.json);

      // An approved user's WhatsApp message reaches the AI; the answer comes back formatted.
      const userPhone = "6281298765432";
      await server.services.database.executor.query(
        "insert into app_users (id, phone_number, is_approved) values ('wa-user', $1, true)",
        [userPhone],
      );
      const incoming = await fetch(
        fonnteWebhookRequest(
          buildFonnteWebhook({ sender: userPhone, message: "Kapan kelas mulai?" }),
          {
            secret: FONNTE_WEBHOOK_SECRET,
            url: `${server.url}/webhooks/fonnte`,
          },
        ),
      );
      expect(incoming.status).toBe(200);
      const wrongSecret = await fetch(
        fonnteWebhookRequest(buildFonnteWebhook({ sender: userPhone, message: "halo" }), {
          secret: "wrong-secret-wrong-secret",
          url: `${server.url}/webhooks/fonnte`,
        }),
      );
      expect(wrongSecret.status).toBe(401);
      const deadline = Date.now() + 20_000;
      while (fakes.fonnte.messagesTo(userPhone).length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(fakes.fonnte.messagesTo(userPhone)).toEqual(["Jawaban *uji*."]);
      const sent = await api.post(
        "/api/whatsapp/send",
        { target: userPhone, message: "**Halo**" },
        api.admin,
      );
      expect(sent.status, sent.text).toBe(200);
      expect(fakes.fonnte.messagesTo(userPhone).at(-1)).toBe("*Halo*");

      // The voucher monitoring API over the purchases made above.
      const dashboard = await api.get("/voucher/api/dashboard", api.admin);
      expect(dashboard.json.purchases.completed).toBeGreaterThanOrEqual(2);
      const completed = await api.get("/voucher/api/payments?status=completed&limit=1", api.admin);
      expect(completed.json.purchases).toHaveLength(1);
      const purchaseId = completed.json.purchases[0].id;
      const resent = await api.post(
        `/voucher/api/retry-delivery/${purchaseId}`,
        undefined,
        api.admin,
      );
      expect(resent.json).toMatchObject({ status: "sent" });
      const log = await api.get(
        `/voucher/api/delivery-status?purchase_id=${purchaseId}`,
        api.admin,
      );
      expect(log.json.attempts.length).toBeGreaterThanOrEqual(2);
      expect((await api.get("/voucher/api/failed-vouchers", api.admin)).json.purchases).toEqual([]);
      expect((await api.get("/voucher/api/payments?status=lost", api.admin)).status).toBe(400);
      expect(
        (await api.get("/voucher/api/delivery-status?purchase_id=nope", api.admin)).status,
      ).toBe(404);

      // Ledger maintenance: every payment here has its order; the dry run changes nothing.
      const orphans = await api.get("/ledger/orphans", api.admin);
      expect(orphans.json.orphans).toEqual([]);
      const backfill = await api.post("/ledger/backfill", { dry_run: true }, api.admin);
      expect(backfill.status).toBe(200);
    });

    it("documents every route in /openapi.json from the schemas that validate them", async () => {
      const document = (await api.get("/openapi.json")).json;
      for (const route of API_ROUTES)
        expect(document.paths[route.path]?.[route.method]).toBeDefined();
      const orderBody =
        document.paths["/orders"].post.requestBody.content["application/json"].schema;
      expect(JSON.stringify(orderBody)).toContain("hotspot_voucher");
      const page = await fetch(`${server.url}/docs`);
      expect(page.headers.get("content-type")).toContain("text/html");
      const html = await page.text();
      expect(html).toContain("/voucher/api/bulk-regenerate");
      expect(html).not.toMatch(/<script|https:\/\/cdn/);
    });

    it("reports its health and the demo stand-ins it does not use", async () => {
      const health = await api.get("/api/health");
      expect(health.status).toBe(200);
      expect(health.json).toMatchObject({
        status: "ok",
        demo: [],
        checks: { database: { status: "ok" }, queue: { status: "ok" }, router: { status: "ok" } },
      });
    });
  });
}
