import { z } from "zod";

// The report is a contract with CI systems: its JSON Schema is generated from
// these definitions (schema/report.schema.json) and a test keeps the two equal.
// A change that breaks a consumer bumps REPORT_SCHEMA_VERSION.

/** The report format's version; bumped on any change a consumer could trip over. */
export const REPORT_SCHEMA_VERSION = "1.0.0" as const;

const itemId = z.string().describe("An item (course) id");

const missingGrantSchema = z
  .object({
    itemId,
    paymentIds: z.array(z.string()).min(1).describe("The payments that paid for the item"),
  })
  .describe("Paid for, not granted");

const duplicateGrantSchema = z
  .object({
    itemId,
    copies: z.number().int().min(2).describe("How many times the item is granted"),
  })
  .describe("Granted more than once");

const fixedSchema = z
  .object({
    granted: z.array(itemId).describe("Items granted (missing grants repaired)"),
    revoked: z.array(itemId).describe("Extra grants revoked (only with revokeExtra)"),
    deduplicated: z.array(itemId).describe("Items whose extra copies were removed"),
  })
  .describe(
    "What the run changed for this user; in a dry run, what a fix run would change. Empty in validate mode.",
  );

export const userDriftSchema = z
  .object({
    userId: z.string(),
    absentFrom: z
      .enum(["entitlements", "payments"])
      .nullable()
      .describe(
        "entitlements: paid but has no user record; payments: has grants but no payment at all; null: present on both sides",
      ),
    missing: z.array(missingGrantSchema),
    extra: z.array(itemId).describe("Granted but never paid; revoked only when allowed"),
    duplicates: z.array(duplicateGrantSchema),
    fixed: fixedSchema,
  })
  .describe("One user whose payments and grants disagree");

const fixCountsSchema = z.object({
  granted: z.number().int().min(0),
  revoked: z.number().int().min(0),
  deduplicated: z.number().int().min(0),
});

export const reconciliationErrorSchema = z
  .object({
    userId: z.string().nullable().describe("The user being repaired, or null for a read"),
    code: z.string().describe("A stable error code"),
    message: z.string(),
  })
  .describe("Something that failed; the run went on with the other users");

export const reconciliationReportSchema = z
  .object({
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    mode: z.enum(["validate", "fix"]),
    dryRun: z.boolean().describe("True when fixes were only planned, nothing written"),
    revokeExtra: z.boolean().describe("Whether extra grants were (or would be) revoked"),
    startedAt: z.string().describe("ISO 8601"),
    finishedAt: z.string().describe("ISO 8601"),
    durationMs: z.number().min(0),
    complete: z.boolean().describe("False when the run was aborted before every user was checked"),
    totals: z.object({
      usersChecked: z.number().int().min(0),
      paymentsChecked: z.number().int().min(0),
      usersWithDrift: z.number().int().min(0),
      missing: z.number().int().min(0).describe("Missing grants, over all users"),
      extra: z.number().int().min(0),
      duplicates: z.number().int().min(0).describe("Items granted more than once"),
      absentUsers: z.number().int().min(0),
      fixed: fixCountsSchema,
      errors: z.number().int().min(0),
    }),
    users: z.array(userDriftSchema).describe("Users with drift, ordered by userId"),
    errors: z.array(reconciliationErrorSchema),
  })
  .describe("@lunas/payment-sync reconciliation report");

export type UserDrift = z.infer<typeof userDriftSchema>;
export type ReconciliationError = z.infer<typeof reconciliationErrorSchema>;
export type ReconciliationReport = z.infer<typeof reconciliationReportSchema>;

/** The report's JSON Schema (draft 2020-12), as published in `schema/report.schema.json`. */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    $id: `https://lunas.dev/schemas/payment-sync/report-${REPORT_SCHEMA_VERSION}.json`,
    ...z.toJSONSchema(reconciliationReportSchema, { target: "draft-2020-12" }),
  };
}
