import type { Hono } from "hono";
import type { AppEnv } from "../app.js";
import { requireAdminKey, requireSameOrigin } from "../http/admin-auth.js";
import { orderIdOf } from "../routes/order-routes.js";
import type { Services } from "../server.js";
import { loadDashboard } from "./dashboard-data.js";
import { renderDashboard } from "./dashboard-page.js";

/**
 * `GET /admin`: the dashboard, behind the admin key (Bearer, or a browser's
 * Basic prompt with the key as password). Its buttons post to
 * `/admin/vouchers/:id/regenerate` and `/admin/vouchers/:id/retry-delivery`,
 * which redirect back with what happened.
 */
export function registerDashboardRoutes(app: Hono<AppEnv>, services: Services): void {
  const auth = requireAdminKey(services.adminKeys, { browser: true });
  app.use("/admin", auth);
  app.use("/admin/*", auth);

  app.get("/admin", async (c) => {
    const notice = c.req.query("notice") ?? null;
    return c.html(renderDashboard(await loadDashboard(services), notice));
  });

  app.post("/admin/vouchers/:id/regenerate", requireSameOrigin, async (c) => {
    const id = orderIdOf(c.req.param("id"));
    const result = await services.vouchers.regenerate(id);
    if (result.purchase.status === "completed") {
      await services.orders.markFulfilled(id, {
        vouchers: result.vouchers.length,
        regenerated: true,
      });
    }
    return c.redirect(
      `/admin?notice=${encodeURIComponent(`Purchase ${id}: ${result.purchase.status}`)}`,
      303,
    );
  });

  app.post("/admin/vouchers/:id/retry-delivery", requireSameOrigin, async (c) => {
    const id = orderIdOf(c.req.param("id"));
    const outcome = await services.vouchers.retryDelivery(id);
    return c.redirect(
      `/admin?notice=${encodeURIComponent(`Delivery of ${id}: ${outcome.status}`)}`,
      303,
    );
  });
}
