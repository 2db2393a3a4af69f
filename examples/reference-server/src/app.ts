import { LunasError } from "@lunas/core";
import {
  HotspotProfileNotFoundError,
  PurchaseNotFoundError,
  PurchaseStatusError,
  RouterOsError,
} from "@lunas/mikrotik-vouchers";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { registerDashboardRoutes } from "./dashboard/dashboard-routes.js";
import { requireAdminKey } from "./http/admin-auth.js";
import { ApiError, errorResponse } from "./http/api-error.js";
import { registerAdminRoutes } from "./routes/admin-routes.js";
import { registerDemoRoutes } from "./routes/demo-routes.js";
import { registerDocsRoutes } from "./routes/docs-routes.js";
import { registerHealthRoutes } from "./routes/health-routes.js";
import { registerOrderRoutes } from "./routes/order-routes.js";
import { registerVoucherRoutes } from "./routes/voucher-routes.js";
import { registerWebhookRoutes } from "./routes/webhook-routes.js";
import type { Services } from "./server.js";

export type AppEnv = { Variables: { requestId: string } };

/** The HTTP surface over already-built services, so tests can run it in-process. */
export function createApp(services: Services): Hono<AppEnv> {
  const { logger, metrics } = services;
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = c.req.routePath || "unmatched";
    metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
    metrics.httpDuration.observe({ method: c.req.method, route }, seconds);
    logger.info(
      {
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(seconds * 1000),
      },
      "request",
    );
  });

  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    if (error instanceof PurchaseNotFoundError) {
      return errorResponse(c, new ApiError(404, error.code, error.message));
    }
    if (error instanceof PurchaseStatusError) {
      return errorResponse(c, new ApiError(409, error.code, error.message));
    }
    if (error instanceof HotspotProfileNotFoundError) {
      return errorResponse(c, new ApiError(422, error.code, error.message));
    }
    if (error instanceof RouterOsError) {
      logger.warn({ err: error }, "the router did not answer");
      return errorResponse(
        c,
        new ApiError(
          503,
          "ROUTER_UNAVAILABLE",
          "The hotspot router cannot be reached; try again shortly",
        ),
      );
    }
    if (error instanceof LunasError && error.code === "INVALID_ARGUMENT") {
      return errorResponse(c, new ApiError(400, error.code, error.message));
    }
    logger.error({ err: error, requestId: c.get("requestId") }, "request failed");
    return errorResponse(
      c,
      new ApiError(
        500,
        "INTERNAL_ERROR",
        `Something failed on our side (request ${c.get("requestId")})`,
      ),
    );
  });
  app.notFound((c) =>
    errorResponse(c, new ApiError(404, "NOT_FOUND", `No route ${c.req.method} ${c.req.path}`)),
  );

  const admin = requireAdminKey(services.adminKeys);
  registerHealthRoutes(app, services, admin);
  registerDocsRoutes(app, services);
  registerOrderRoutes(app, services);
  registerWebhookRoutes(app, services);
  registerVoucherRoutes(app, services, admin);
  registerAdminRoutes(app, services, admin);
  registerDashboardRoutes(app, services);
  if (services.providers.standIns.xendit) registerDemoRoutes(app, services, admin);
  return app;
}
