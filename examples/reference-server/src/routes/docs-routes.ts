import type { Hono } from "hono";
import type { AppEnv } from "../app.js";
import { buildOpenApiDocument } from "../openapi/openapi-document.js";
import { renderReferencePage } from "../openapi/reference-page.js";
import type { Services } from "../server.js";

export function registerDocsRoutes(app: Hono<AppEnv>, services: Services): void {
  app.get("/openapi.json", (c) => c.json(buildOpenApiDocument(services.urls.public)));
  app.get("/docs", (c) => c.html(renderReferencePage(services.urls.public)));
}
