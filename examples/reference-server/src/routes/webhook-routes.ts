import type { Hono } from "hono";
import type { AppEnv } from "../app.js";
import type { Services } from "../server.js";

export function registerWebhookRoutes(app: Hono<AppEnv>, services: Services): void {
  const count = (provider: string, response: Response) => {
    services.metrics.webhooks.inc({ provider, status: String(response.status) });
    return response;
  };
  app.post("/webhooks/xendit", async (c) =>
    count("xendit", await services.xenditWebhook(c.req.raw)),
  );
  app.post("/webhooks/midtrans", async (c) =>
    count("midtrans", await services.midtrans(c.req.raw)),
  );
  app.post("/webhooks/fonnte", async (c) => count("fonnte", await services.bridge(c.req.raw)));
}
