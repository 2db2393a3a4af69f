import type { Hono, MiddlewareHandler } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app.js";
import { readJsonBody } from "../http/json-body.js";
import { phoneSchema } from "../orders/order-schemas.js";
import type { Services } from "../server.js";

export const backfillSchema = z.strictObject({ dry_run: z.boolean().default(true) });
export const whatsappSendSchema = z.strictObject({
  target: phoneSchema,
  message: z.string().min(1).max(10_000),
});
export const reconciliationRunSchema = z.strictObject({
  mode: z.enum(["validate", "fix"]).default("validate"),
  dry_run: z.boolean().default(false),
  revoke_extra: z.boolean().default(false),
});

/** Ledger maintenance, WhatsApp sends and reconciliation: all behind the admin key. */
export function registerAdminRoutes(
  app: Hono<AppEnv>,
  services: Services,
  admin: MiddlewareHandler,
): void {
  const { ledger, reconciliation } = services;

  app.get("/ledger/orphans", admin, async (c) => {
    const [orphans, counts] = await Promise.all([ledger.orphans(), ledger.counts()]);
    return c.json({ orphans, counts });
  });
  app.post("/ledger/backfill", admin, async (c) => {
    const { dry_run } = await readJsonBody(c, backfillSchema);
    return c.json(await ledger.backfill({ dryRun: dry_run }));
  });

  app.post("/api/whatsapp/send", admin, async (c) => {
    const body = await readJsonBody(c, whatsappSendSchema);
    return c.json(await services.bridge.send(body));
  });

  app.get("/reconciliation/report", admin, async (c) => {
    const latest = await reconciliation.latest();
    return latest
      ? c.json(latest)
      : c.json(
          {
            error: {
              code: "NO_REPORT",
              message: "No reconciliation has run yet; POST /reconciliation/run",
            },
          },
          404,
        );
  });
  // For CI: the report in the CLI's JSON schema; 200 when clean, 409 when drift is left.
  app.post("/reconciliation/run", admin, async (c) => {
    const body = await readJsonBody(
      c,
      reconciliationRunSchema
        .optional()
        .default({ mode: "validate", dry_run: false, revoke_extra: false }),
    );
    const report = await reconciliation.run({
      mode: body.mode,
      dryRun: body.dry_run,
      revokeExtra: body.revoke_extra,
    });
    return c.json(report);
  });
}
