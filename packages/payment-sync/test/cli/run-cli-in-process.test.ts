import { mkdtempSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  MemoryEntitlementStore,
  MemoryPaymentSource,
  type PaymentSource,
} from "@lunas/payment-sync";
import { type CliBackend, type CliIo, runCli } from "@lunas/payment-sync/cli";
import { driftScenario } from "@lunas/payment-sync/testing";
import { describe, expect, it } from "vitest";

// The runner with an injected process and backend: what a child process cannot
// show cheaply (a terminal, a signal in the middle of a run).
function harness(overrides: Partial<CliIo> & { source?: PaymentSource } = {}) {
  const { payments, users } = driftScenario(3);
  const out: string[] = [];
  const err: string[] = [];
  const handlers = new Map<string, () => void>();
  const backend: CliBackend = {
    description: "memory",
    source: overrides.source ?? new MemoryPaymentSource(payments),
    entitlements: new MemoryEntitlementStore(users),
    migrate: async () => [],
    close: async () => {},
  };
  const state = join(mkdtempSync(join(tmpdir(), "lunas-sync-state-")), "state.json");
  const io: CliIo = {
    argv: [],
    env: { DATABASE_URL: "postgres://unused@127.0.0.1/x", PAYMENT_SYNC_STATE_FILE: state },
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    isTty: false,
    onSignal: (signal, handler) => {
      handlers.set(signal, handler);
      return () => handlers.delete(signal);
    },
    openBackend: async () => backend,
    ...overrides,
  };
  return { io, out, err, handlers, backend };
}

describe("runCli", () => {
  it("draws a progress line on a terminal, and no timestamped info lines there", async () => {
    const { io, out, err } = harness({ isTty: true, argv: ["validate", "--batch-size", "2"] });
    expect(await runCli(io)).toBe(1);
    const drawn = err.join("");
    expect(drawn).toContain("\r\u001b[2K");
    expect(drawn).toMatch(/checking users: \d+ users, \d+ payments/);
    expect(drawn).not.toContain("[INFO]");
    expect(out.join("")).toContain("validate finished");
  });

  it("with CI=true a terminal still gets structured lines", async () => {
    const { io, err } = harness({
      isTty: true,
      argv: ["validate"],
      env: { ...harness().io.env, CI: "true" },
    });
    expect(await runCli(io)).toBe(1);
    expect(err.join("")).not.toContain("\r");
    expect(err.join("")).toContain("[INFO] validate finished");
  });

  it("reopens the log file on SIGHUP, so a rotated file is not written to any more", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lunas-sync-log-"));
    const log = join(dir, "sync.log");
    let rotated = false;
    const { payments } = driftScenario(3);
    const memory = new MemoryPaymentSource(payments);
    const source: PaymentSource = {
      listPaymentUsers: (request) => memory.listPaymentUsers(request),
      paymentsOf: async (ids) => {
        if (!rotated) {
          // logrotate moves the file, then signals.
          rotated = true;
          renameSync(log, `${log}.1`);
          handlers.get("SIGHUP")?.();
        }
        return memory.paymentsOf(ids);
      },
    };
    const { io, handlers } = harness({ source, argv: ["validate", "--log-file", log] });
    expect(await runCli(io)).toBe(1);
    const before = readFileSync(`${log}.1`, "utf8");
    const after = readFileSync(log, "utf8");
    expect(before).toContain("validate started");
    expect(before).not.toContain("validate finished");
    expect(after).toContain("[INFO] log file reopened");
    expect(after).toContain("validate finished");
    expect(handlers.size, "signal handlers removed at the end").toBe(0);
  });

  it("SIGINT stops the run after the batches in flight: incomplete report, exit 2", async () => {
    const { payments } = driftScenario(30);
    const memory = new MemoryPaymentSource(payments);
    const source: PaymentSource = {
      listPaymentUsers: (request) => memory.listPaymentUsers(request),
      paymentsOf: async (ids) => {
        handlers.get("SIGINT")?.();
        return memory.paymentsOf(ids);
      },
    };
    const { io, out, handlers } = harness({
      source,
      argv: ["validate", "--json", "--batch-size", "2", "--concurrency", "1"],
    });
    expect(await runCli(io)).toBe(2);
    expect(JSON.parse(out.join("")).complete).toBe(false);
  });

  it("exit 2 with every configuration problem named by flag and variable, before connecting", async () => {
    let opened = 0;
    const missing = harness({
      argv: ["validate"],
      env: {},
      openBackend: async () => {
        opened++;
        throw new Error("unreachable");
      },
    });
    expect(await runCli(missing.io)).toBe(2);
    expect(missing.err.join("")).toContain("PostgreSQL needs --database-url or DATABASE_URL");
    const dynamo = harness({
      argv: ["sync", "--backend", "dynamodb", "--concurrency", "0"],
      env: {},
    });
    expect(await runCli(dynamo.io)).toBe(2);
    expect(dynamo.err.join("")).toContain(
      "--concurrency must be a positive whole number\n  - DynamoDB needs --payments-table or DYNAMODB_PAYMENTS_TABLE\n  - DynamoDB needs --users-table or DYNAMODB_USERS_TABLE\n  - DynamoDB needs --region or AWS_REGION",
    );
    const unknown = harness({ argv: ["reconcile-all"] });
    expect(await runCli(unknown.io)).toBe(2);
    expect(unknown.err.join("")).toContain(
      "the command must be one of migrate, validate, fix, sync, health, user",
    );
    const noUser = harness({ argv: ["user"] });
    expect(await runCli(noUser.io)).toBe(2);
    expect(noUser.err.join("")).toContain("user needs a user id");
    expect(opened).toBe(0);
  });

  it("--help prints the usage and exits 0; no arguments exits 2", async () => {
    const help = harness({ argv: ["--help"] });
    expect(await runCli(help.io)).toBe(0);
    expect(help.out.join("")).toContain("Exit codes: 0 clean, 1 drift found, 2 error.");
    expect(await runCli(harness({ argv: [] }).io)).toBe(2);
  });
});
