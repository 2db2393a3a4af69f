import type { Hono } from "hono";
import type { AppEnv } from "../app.js";
import { ApiError } from "../http/api-error.js";
import { readJsonBody } from "../http/json-body.js";
import { createOrderSchema, orderIdParamSchema } from "../orders/order-schemas.js";
import type { Services } from "../server.js";

export function orderIdOf(raw: string): string {
  const parsed = orderIdParamSchema.safeParse(raw);
  if (!parsed.success) throw new ApiError(400, "INVALID_ORDER_ID", "The order id is malformed");
  return parsed.data;
}

export function registerOrderRoutes(app: Hono<AppEnv>, services: Services): void {
  app.post("/orders", async (c) => {
    const input = await readJsonBody(c, createOrderSchema);
    return c.json(await services.orderService.create(input), 201);
  });
  app.get("/orders/:id", async (c) =>
    c.json(await services.orderService.get(orderIdOf(c.req.param("id")))),
  );
  app.post("/orders/:id/payment", async (c) =>
    c.json(await services.orderService.retryPayment(orderIdOf(c.req.param("id")))),
  );
}
