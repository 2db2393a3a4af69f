import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPostgresTestSchema, type TestDatabase } from "@lunas/core/testing";
import { type ReconciliationReport, reconcile } from "@lunas/payment-sync";
import {
  migratePaymentSync,
  PostgresEntitlementStore,
  PostgresPaymentSource,
} from "@lunas/payment-sync/postgres";
import { driftScenario } from "@lunas/payment-sync/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectValidReport } from "../reconcile/drift-suite.js";
import { runCliProcess } from "./cli-process.js";

const LINE = /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] \[(DEBUG|INFO|WARN|ERROR)\] \S/;

describe("lunas-sync on PostgreSQL (a real child process)", { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let dir: string;
  let env: Record<string, string>;
  const scenario = driftScenario(4);
  const drifts = (report: ReconciliationReport) =>
    report.users.map(({ fixed: _f, ...found }) => found);
  const validateInProcess = () =>
    reconcile({
      source: new PostgresPaymentSource(db.executor, { schema: db.schema }),
      entitlements: new PostgresEntitlementStore(db.executor, { schema: db.schema }),
      mode: "validate",
    });

  beforeAll(async () => {
    db = await createPostgresTestSchema("sync_cli");
    dir = mkdtempSync(join(tmpdir(), "lunas-sync-"));
    env = {
      DATABASE_URL: db.connectionString as string,
      PAYMENT_SYNC_SCHEMA: db.schema,
      PAYMENT_SYNC_STATE_FILE: join(dir, "state.json"),
    };
    await migratePaymentSync(db.executor, { schema: db.schema });
    const source = new PostgresPaymentSource(db.executor, { schema: db.schema });
    for (const payment of scenario.payments) await source.recordPayment(payment);
    for (const user of scenario.users) {
      await db.executor.query(`insert into "${db.schema}".payment_sync_users values ($1, $2)`, [
        user.userId,
        user.items,
      ]);
    }
  });
  afterAll(() => db.drop());

  it("validate: exit 1 on drift, the exact drift as JSON that validates against the published schema, --out and --junit", async () => {
    const out = join(dir, "report.json");
    const junit = join(dir, "report.xml");
    const run = await runCliProcess(
      ["validate", "--json", "--out", out, "--junit", junit, "--batch-size", "3"],
      env,
    );
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as ReconciliationReport;
    expect(drifts(report)).toEqual(scenario.expected);
    expectValidReport(report);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(report);
    const xml = readFileSync(junit, "utf8");
    expect(xml).toContain(
      '<testsuite name="lunas-sync validate" tests="7" failures="6" errors="0"',
    );
    expect(xml).toContain(
      'name="u-no-record"><failure message="no user record; missing course-c" type="drift"/>',
    );
    // No terminal and CI=true: structured lines only, no progress redraws.
    const lines = run.stderr.trim().split("\n");
    expect(
      lines.every((line) => LINE.test(line)),
      run.stderr,
    ).toBe(true);
    expect(run.stderr).not.toContain("\r");
  });

  it("fix --dry-run: exit 1, writes nothing, and reports exactly what fix then does; a second fix changes nothing (exit 0)", async () => {
    const dry = await runCliProcess(["fix", "--dry-run", "--revoke-extra", "--json"], env);
    expect(dry.code, dry.stderr).toBe(1);
    expect(drifts(await validateInProcess()), "nothing written").toEqual(scenario.expected);

    const log = join(dir, "sync.log");
    const fix = await runCliProcess(
      ["fix", "--revoke-extra", "--json", "--log-file", log, "--verbose"],
      env,
    );
    expect(fix.code, fix.stderr).toBe(0);
    const dryReport = JSON.parse(dry.stdout) as ReconciliationReport;
    const fixReport = JSON.parse(fix.stdout) as ReconciliationReport;
    expect(fixReport.users).toEqual(dryReport.users);
    expect(fixReport.totals.fixed).toEqual({ granted: 3, revoked: 3, deduplicated: 2 });
    expect((await validateInProcess()).users, "repaired").toEqual([]);

    const again = await runCliProcess(["fix", "--revoke-extra", "--json", "--log-file", log], env);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as ReconciliationReport).totals.fixed).toEqual({
      granted: 0,
      revoked: 0,
      deduplicated: 0,
    });

    const logLines = readFileSync(log, "utf8").trim().split("\n");
    expect(
      logLines.every((line) => LINE.test(line)),
      "log file format",
    ).toBe(true);
    expect(
      logLines.filter((line) => line.includes("] fix finished")).length,
      "appended, not truncated",
    ).toBe(2);
    expect(
      logLines.some((line) => line.includes("[DEBUG] backend: PostgreSQL")),
      "--verbose logs debug lines",
    ).toBe(true);
  });

  it("health: exit 0 when reachable and the last run left no drift; 1 when it is older than --max-age", async () => {
    const healthy = await runCliProcess(["health", "--json"], env);
    expect(healthy.code, healthy.stderr).toBe(0);
    const result = JSON.parse(healthy.stdout);
    expect(result.reachable).toEqual({ entitlements: true, payments: true });
    expect(result.lastRun).toMatchObject({ command: "fix", exitCode: 0, driftRemaining: 0 });
    const stale = await runCliProcess(["health", "--max-age", "1"], {
      ...env,
      PAYMENT_SYNC_STATE_FILE: join(dir, "never-written.json"),
    });
    expect(stale.code, stale.stderr).toBe(1);
  });

  it("sync: exit 0 after repairing, 1 with --fail-on-drift when it found drift; user <id> shows and fixes one user", async () => {
    await db.executor.query(
      `update "${db.schema}".payment_sync_users set items = '{}' where user_id in ('u-missing', 'u-dup')`,
    );
    const found = await runCliProcess(["sync", "--fail-on-drift"], env);
    expect(found.code, found.stderr).toBe(1);
    expect(found.stderr).toContain("granted 3");
    await db.executor.query(
      `update "${db.schema}".payment_sync_users set items = '{course-a,course-a}' where user_id = 'u-dup'`,
    );
    const user = await runCliProcess(["user", "u-dup", "--json"], env);
    expect(user.code, user.stderr).toBe(1);
    expect(JSON.parse(user.stdout).drift.duplicates).toEqual([{ itemId: "course-a", copies: 2 }]);
    const fixed = await runCliProcess(["user", "u-dup", "--fix", "--json"], env);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(JSON.parse(fixed.stdout).items).toEqual(["course-a"]);
    const clean = await runCliProcess(["sync", "--fail-on-drift"], env);
    expect(clean.code, clean.stderr).toBe(0);
  });

  it("exit 2 with a clear message for bad configuration, and for an unreachable database without printing its password", async () => {
    const bad = await runCliProcess(["fix", "--batch-size", "ten", "--bacth-size", "3"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--bacth-size'");
    const secret = "pa55-w0rd-do-not-print";
    const down = await runCliProcess(["health", "--verbose"], {
      ...env,
      DATABASE_URL: `postgres://postgres:${secret}@127.0.0.1:1/postgres`,
    });
    expect(down.code).toBe(2);
    expect(down.stderr).toContain("unreachable");
    expect(down.stdout + down.stderr).not.toContain(secret);
  });
});
