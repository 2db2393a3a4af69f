import { readFileSync } from "node:fs";
import type { EntitlementStore, PaymentSource, ReconciliationReport } from "@lunas/payment-sync";
import { createPaymentSync, reconcile } from "@lunas/payment-sync";
import { type DriftScenario, driftScenario } from "@lunas/payment-sync/testing";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, describe, expect, it } from "vitest";

export type DriftBackendFactory = (seed: Pick<DriftScenario, "payments" | "users">) => Promise<{
  source: PaymentSource;
  entitlements: EntitlementStore;
  cleanup(): Promise<void>;
}>;

const publishedSchema = JSON.parse(
  readFileSync(new URL("../../schema/report.schema.json", import.meta.url), "utf8"),
);
const validateReport = new Ajv2020({ allErrors: true, strict: false }).compile(publishedSchema);

/** Checks a report against the checked-in JSON Schema, as a CI consumer would. */
export function expectValidReport(report: unknown): void {
  const json = JSON.parse(JSON.stringify(report));
  const valid = validateReport(json);
  expect(validateReport.errors ?? [], "report matches schema/report.schema.json").toEqual([]);
  expect(valid).toBe(true);
}

const drifts = (report: ReconciliationReport) =>
  report.users.map(({ fixed: _fixed, ...found }) => found);

/**
 * The must-show behaviour of the engine on one backend: seeded drift of every
 * kind found exactly, a dry run that writes nothing and reports what `fix`
 * then does, `fix` repairing it, a second `fix` changing nothing.
 */
export function driftSuite(name: string, factory: DriftBackendFactory): void {
  describe(`reconcile on ${name}`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });
    const open = async (scenario: DriftScenario) => {
      const created = await factory({ payments: scenario.payments, users: scenario.users });
      cleanup = created.cleanup;
      return created;
    };

    it("validate finds seeded drift of every kind exactly, across pages", async () => {
      const scenario = driftScenario(9);
      const { source, entitlements } = await open(scenario);
      const report = await reconcile({
        source,
        entitlements,
        mode: "validate",
        batchSize: 4,
        concurrency: 3,
      });
      expect(drifts(report), "drift found").toEqual(scenario.expected);
      expect(report.totals, "totals").toMatchObject({
        usersChecked: scenario.usersChecked,
        paymentsChecked: scenario.payments.length,
        usersWithDrift: 6,
        missing: 3,
        extra: 3,
        duplicates: 2,
        absentUsers: 2,
        fixed: { granted: 0, revoked: 0, deduplicated: 0 },
        errors: 0,
      });
      expect(report.complete, "complete").toBe(true);
      expectValidReport(report);
    });

    it("a dry run writes nothing and reports exactly what fix then does; a second fix changes nothing", async () => {
      const scenario = driftScenario(5);
      const { source, entitlements } = await open(scenario);
      const run = (dryRun: boolean) =>
        reconcile({ source, entitlements, mode: "fix", dryRun, revokeExtra: true, batchSize: 3 });

      const dry = await run(true);
      expect(dry.dryRun, "marked dry").toBe(true);
      const after = await reconcile({ source, entitlements, mode: "validate" });
      expect(drifts(after), "dry run wrote nothing").toEqual(scenario.expected);

      const fixed = await run(false);
      expect(fixed.users, "fix did what the dry run said").toEqual(dry.users);
      expect(fixed.totals.fixed, "fix totals").toEqual({ granted: 3, revoked: 3, deduplicated: 2 });
      expectValidReport(fixed);

      const clean = await reconcile({ source, entitlements, mode: "validate" });
      expect(clean.users, "no drift left").toEqual([]);
      const again = await run(false);
      expect(again.users, "second fix finds nothing").toEqual([]);
      expect(again.totals.fixed, "second fix changes nothing").toEqual({
        granted: 0,
        revoked: 0,
        deduplicated: 0,
      });
    });

    it("fix without revokeExtra grants and dedupes but only reports extra grants", async () => {
      const scenario = driftScenario(2);
      const { source, entitlements } = await open(scenario);
      const fixed = await reconcile({ source, entitlements, mode: "fix" });
      expect(fixed.totals.fixed, "no revokes").toEqual({ granted: 3, revoked: 0, deduplicated: 2 });
      const left = await reconcile({ source, entitlements, mode: "validate" });
      expect(drifts(left), "only extra grants left").toEqual([
        {
          userId: "u-everything",
          absentFrom: null,
          missing: [],
          extra: ["course-x"],
          duplicates: [],
        },
        {
          userId: "u-extra",
          absentFrom: null,
          missing: [],
          extra: ["course-free"],
          duplicates: [],
        },
        {
          userId: "u-no-payment",
          absentFrom: "payments",
          missing: [],
          extra: ["course-z"],
          duplicates: [],
        },
      ]);
      const again = await reconcile({ source, entitlements, mode: "fix" });
      expect(again.totals.fixed, "second fix changes nothing").toEqual({
        granted: 0,
        revoked: 0,
        deduplicated: 0,
      });
    });

    it("syncUser repairs one user, validateUser and hasAccess read one user", async () => {
      const scenario = driftScenario(1);
      const { source, entitlements } = await open(scenario);
      const sync = createPaymentSync({ source, entitlements });
      const before = await sync.validateUser("u-no-record");
      expect(before.items, "no record yet").toBeNull();
      expect(before.drift?.missing, "missing grant").toEqual([
        { itemId: "course-c", paymentIds: ["pay-absent-1", "pay-absent-2"] },
      ]);
      expect(await sync.hasAccess("u-no-record", "course-c"), "paid means access").toBe(true);
      expect(await sync.hasAccess("u-no-payment", "course-z"), "granted means access").toBe(true);
      expect(await sync.hasAccess("u-no-payment", "course-a"), "neither").toBe(false);
      const synced = await sync.syncUser("u-no-record");
      expect(synced.drift?.fixed.granted, "granted").toEqual(["course-c"]);
      expect(synced.items, "record created").toEqual(["course-c"]);
      expect((await sync.validateUser("u-no-record")).drift, "clean after sync").toBeNull();
      expect((await sync.syncUser("u-no-record")).drift, "second sync finds nothing").toBeNull();
    });
  });
}
