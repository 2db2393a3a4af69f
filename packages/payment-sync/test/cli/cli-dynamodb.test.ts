import type { ReconciliationReport } from "@lunas/payment-sync";
import { DynamoDbEntitlementStore } from "@lunas/payment-sync/dynamodb";
import { driftScenario } from "@lunas/payment-sync/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDynalite } from "../dynamodb/dynalite-server.js";
import { expectValidReport } from "../reconcile/drift-suite.js";
import { runCliProcess } from "./cli-process.js";

describe("lunas-sync on DynamoDB (dynalite, a real child process)", { timeout: 120_000 }, () => {
  let dynamo: Awaited<ReturnType<typeof startDynalite>>;
  let env: Record<string, string>;
  let users: DynamoDbEntitlementStore;
  const scenario = driftScenario(3);
  const secret = "aws-secret-never-printed";
  const drifts = (report: ReconciliationReport) =>
    report.users.map(({ fixed: _f, ...found }) => found);

  beforeAll(async () => {
    dynamo = await startDynalite();
    const { names } = await dynamo.createTables(scenario);
    users = new DynamoDbEntitlementStore(dynamo.client, { table: names.users });
    env = {
      PAYMENT_SYNC_BACKEND: "dynamodb",
      DYNAMODB_PAYMENTS_TABLE: names.payments,
      DYNAMODB_USERS_TABLE: names.users,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      AWS_REGION: "ap-southeast-1",
      PAYMENT_SYNC_PAID_STATUSES: "settlement,capture",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: secret,
      PAYMENT_SYNC_STATE_FILE: "/dev/null",
    };
  });
  afterAll(() => dynamo.close());

  it("validate exits 1 with the exact drift; fix --dry-run exits 1 and writes nothing; fix exits 0; a second fix changes nothing", async () => {
    const validate = await runCliProcess(["validate", "--json", "--verbose"], env);
    expect(validate.code, validate.stderr).toBe(1);
    const report = JSON.parse(validate.stdout) as ReconciliationReport;
    expect(drifts(report)).toEqual(scenario.expected);
    expectValidReport(report);
    expect(validate.stdout + validate.stderr).not.toContain(secret);

    const snapshot = async () =>
      (await users.getUsers(scenario.users.map((u) => u.userId))).sort((a, b) =>
        a.userId < b.userId ? -1 : 1,
      );
    const before = await snapshot();
    const dry = await runCliProcess(["fix", "--dry-run", "--revoke-extra", "--json"], env);
    expect(dry.code, dry.stderr).toBe(1);
    expect(await snapshot(), "nothing written").toEqual(before);

    const fix = await runCliProcess(["fix", "--revoke-extra", "--json"], env);
    expect(fix.code, fix.stderr).toBe(0);
    expect((JSON.parse(fix.stdout) as ReconciliationReport).users).toEqual(
      (JSON.parse(dry.stdout) as ReconciliationReport).users,
    );

    const again = await runCliProcess(["fix", "--revoke-extra", "--json", "--fail-on-drift"], env);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as ReconciliationReport).totals.fixed).toEqual({
      granted: 0,
      revoked: 0,
      deduplicated: 0,
    });
  });
});
