import type { Hono, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app.js";
import { ApiError } from "../http/api-error.js";
import type { Services } from "../server.js";
import { orderIdOf } from "./order-routes.js";

/**
 * Demo mode only (Xendit's stand-in is running): pay an order the way a
 * customer would on the checkout page, and read what the WhatsApp stand-in
 * received. The stand-in then calls POST /webhooks/xendit like Xendit does.
 */
export function registerDemoRoutes(
  app: Hono<AppEnv>,
  services: Services,
  admin: MiddlewareHandler,
): void {
  const fake = services.providers.standIns.xendit;
  if (!fake) return;

  app.post("/demo/orders/:id/pay", admin, async (c) => {
    const orderId = orderIdOf(c.req.param("id"));
    const order = await services.ledger.getOrder(orderId);
    if (!order?.sessionId) {
      throw new ApiError(404, "ORDER_NOT_FOUND", `No order ${orderId} with a payment session`);
    }
    const event = fake.completeSession(order.sessionId);
    const [delivery] = await fake.deliverWebhook(`${services.urls.public}/webhooks/xendit`, event);
    return c.json({ webhook: event, delivery });
  });

  app.get("/demo/whatsapp", admin, (c) => {
    const target = c.req.query("target");
    const sent = services.providers.standIns.fonnte?.sent ?? [];
    return c.json({
      messages: sent
        .filter((message) => target === undefined || message.target === target)
        .map(({ target: to, message }) => ({ target: to, message })),
    });
  });
}
