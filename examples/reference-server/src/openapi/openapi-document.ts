import { reportJsonSchema } from "@lunas/payment-sync";
import { z } from "zod";
import { API_ROUTES } from "./api-routes.js";

const errorSchema = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        issues: { type: "array", items: { type: "string" } },
      },
      required: ["code", "message"],
    },
  },
  required: ["error"],
};

// What a client sends: defaults are optional on input.
const asJsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });

/** The OpenAPI 3.1 document (JSON Schema 2020-12, as zod and the report schema emit) of the service, generated from the request schemas. */
export function buildOpenApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    const parameters: unknown[] = (route.pathParams ?? []).map((name) => ({
      name,
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    if (route.query) {
      const query = asJsonSchema(route.query) as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        parameters.push({
          name,
          in: "query",
          required: query.required?.includes(name) ?? false,
          schema,
        });
      }
    }
    const responses: Record<string, unknown> = {
      200: { description: "OK" },
      400: {
        description: "Malformed request; nothing was written",
        content: { "application/json": { schema: errorSchema } },
      },
    };
    if (route.path === "/orders" || route.path === "/voucher/purchase")
      responses[201] = { description: "Created" };
    if (route.path.startsWith("/reconciliation")) {
      responses[200] = {
        description: "The report",
        content: { "application/json": { schema: reportJsonSchema() } },
      };
    }
    if (route.auth === "admin") {
      responses[401] = {
        description: "Missing or wrong admin key",
        content: { "application/json": { schema: errorSchema } },
      };
    }
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method] = {
      summary: route.summary,
      tags: [route.tag],
      ...(route.auth === "admin" ? { security: [{ adminKey: [] }] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: asJsonSchema(route.body) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Lunas reference server",
      version: "0.0.0",
      description:
        "Orders paid through Xendit and fulfilled as durable jobs; the voucher, WhatsApp and reconciliation APIs.",
    },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { adminKey: { type: "http", scheme: "bearer" } } },
    paths,
  };
}
