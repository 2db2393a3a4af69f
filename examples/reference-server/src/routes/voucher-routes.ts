import type { PurchaseStatus } from "@lunas/mikrotik-vouchers";
import type { Hono, MiddlewareHandler } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app.js";
import { readJsonBody, readQuery } from "../http/json-body.js";
import { voucherPurchaseSchema } from "../orders/order-schemas.js";
import type { Services } from "../server.js";
import { orderIdOf } from "./order-routes.js";

const purchaseStatuses = [
  "pending",
  "completed",
  "failed",
  "expired",
  "voucher_generation_failed",
] as const satisfies readonly PurchaseStatus[];

export const voucherPageQuerySchema = z.strictObject({
  status: z.enum(purchaseStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const deliveryStatusQuerySchema = z.strictObject({ purchase_id: z.string().min(1).max(64) });
export const bulkRegenerateSchema = z.strictObject({
  purchaseIds: z.array(z.string().min(1).max(64)).min(1).max(100),
});

/** The original voucher system's routes: the purchase and the monitoring API under `/voucher/api/`. */
export function registerVoucherRoutes(
  app: Hono<AppEnv>,
  services: Services,
  admin: MiddlewareHandler,
): void {
  const { vouchers, orders } = services;

  // A regenerated purchase is fulfilled: the order records it (once).
  const recordIfCompleted = async (id: string, status: string) => {
    if (status !== "completed") return;
    const { vouchers: codes } = await vouchers.getPurchase(id);
    await orders.markFulfilled(id, { vouchers: codes.length, regenerated: true });
  };

  app.post("/voucher/purchase", async (c) => {
    const body = await readJsonBody(c, voucherPurchaseSchema);
    const order = await services.orderService.create({
      product_type: "hotspot_voucher",
      customer_phone: body.phone,
      plan: body.plan,
      quantity: body.quantity,
    });
    return c.json(order, 201);
  });

  app.use("/voucher/api/*", admin);
  app.get("/voucher/api/dashboard", async (c) => c.json(await vouchers.statistics()));
  app.get("/voucher/api/payments", async (c) => {
    const query = readQuery(c, voucherPageQuerySchema);
    return c.json(
      await vouchers.listPurchases({
        ...(query.status ? { status: query.status } : {}),
        limit: query.limit,
        offset: query.offset,
      }),
    );
  });
  app.get("/voucher/api/delivery-status", async (c) => {
    const { purchase_id } = readQuery(c, deliveryStatusQuerySchema);
    return c.json(await vouchers.deliveryStatus(purchase_id));
  });
  app.get("/voucher/api/failed-vouchers", async (c) => {
    const query = readQuery(c, voucherPageQuerySchema.omit({ status: true }));
    return c.json(await vouchers.listFailedVouchers(query));
  });
  app.post("/voucher/api/retry-delivery/:purchaseId", async (c) =>
    c.json(await vouchers.retryDelivery(orderIdOf(c.req.param("purchaseId")))),
  );
  app.post("/voucher/api/regenerate-voucher/:purchaseId", async (c) => {
    const id = orderIdOf(c.req.param("purchaseId"));
    const result = await vouchers.regenerate(id);
    await recordIfCompleted(id, result.purchase.status);
    return c.json({
      purchase: result.purchase,
      vouchers: result.vouchers.length,
      delivery: result.delivery ?? null,
    });
  });
  app.post("/voucher/api/bulk-regenerate", async (c) => {
    const { purchaseIds } = await readJsonBody(c, bulkRegenerateSchema);
    const results = await vouchers.bulkRegenerate(purchaseIds);
    for (const result of results) await recordIfCompleted(result.id, result.status);
    return c.json({ results });
  });
  app.post("/voucher/api/cleanup-failed/:purchaseId", async (c) =>
    c.json(await vouchers.cleanupFailed(orderIdOf(c.req.param("purchaseId")))),
  );
  app.post("/voucher/api/cleanup-expired", async (c) => c.json(await vouchers.cleanupExpired()));
}
