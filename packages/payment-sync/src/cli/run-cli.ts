import { readFile, rename, writeFile } from "node:fs/promises";
import { LunasError } from "@lunas/core";
import { createPaymentSync, type UserState } from "../reconcile/payment-sync.js";
import { reconcile } from "../reconcile/reconcile.js";
import type { ReconciliationReport } from "../report/report-schema.js";
import { type CliBackend, openBackend } from "./cli-backend.js";
import { type CliConfig, readCliConfig, redactUrl, USAGE } from "./cli-config.js";
import { CliLogger } from "./cli-logger.js";
import { createProgressDisplay } from "./cli-progress.js";
import { describeDrift, junitReport } from "./junit-report.js";
import { LogFile } from "./log-file.js";

export const EXIT_CLEAN = 0;
export const EXIT_DRIFT = 1;
export const EXIT_ERROR = 2;

/** What the CLI touches of its process, injected so it runs in tests without one. */
export interface CliIo {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (the progress line is drawn only there). */
  isTty: boolean;
  now?: () => number;
  /** Subscribes to a process signal; returns the unsubscribe. */
  onSignal?: (signal: "SIGINT" | "SIGTERM" | "SIGHUP", handler: () => void) => () => void;
  /** Opens the backend; tests may hand in their own. Default: from the configuration. */
  openBackend?: (config: CliConfig) => Promise<CliBackend>;
}

/** What `health` reads back: the last full run. */
interface RunState {
  command: string;
  finishedAt: string;
  complete: boolean;
  usersChecked: number;
  usersWithDrift: number;
  driftRemaining: number;
  errors: number;
  exitCode: number;
}

/** Users whose drift is still there after the run (all of them unless fixes were written). */
function remainingDrift(report: ReconciliationReport): number {
  if (report.mode === "validate" || report.dryRun) return report.users.length;
  return report.users.filter(
    (user) =>
      user.missing.some((m) => !user.fixed.granted.includes(m.itemId)) ||
      user.extra.some((item) => !user.fixed.revoked.includes(item)) ||
      user.duplicates.some(
        (d) =>
          !user.fixed.deduplicated.includes(d.itemId) && !user.fixed.revoked.includes(d.itemId),
      ),
  ).length;
}

/**
 * 2 when the run failed or is incomplete; 1 when drift remains (with
 * `--fail-on-drift`: when any was found, even if fixed); else 0.
 */
export function exitCodeOf(report: ReconciliationReport, failOnDrift: boolean): number {
  if (!report.complete || report.errors.length > 0) return EXIT_ERROR;
  const drift = failOnDrift ? report.users.length : remainingDrift(report);
  return drift > 0 ? EXIT_DRIFT : EXIT_CLEAN;
}

async function writeFileAtomically(path: string, text: string): Promise<void> {
  // A reader (CI, health) never sees half a file.
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/** Runs `lunas-sync` and resolves with its exit code; never throws. */
export async function runCli(io: CliIo): Promise<number> {
  const now = io.now ?? Date.now;
  if (io.argv.length === 0 || io.argv.includes("--help") || io.argv.includes("-h")) {
    io.stdout(`${USAGE}\n`);
    return io.argv.length === 0 ? EXIT_ERROR : EXIT_CLEAN;
  }
  let config: CliConfig;
  try {
    config = readCliConfig(io.argv, io.env);
  } catch (error) {
    io.stderr(`lunas-sync: ${(error as Error).message}\n`);
    return EXIT_ERROR;
  }

  let file: LogFile | null = null;
  try {
    file = config.logFile ? new LogFile(config.logFile) : null;
  } catch (error) {
    io.stderr(
      `lunas-sync: cannot open the log file ${config.logFile}: ${(error as Error).message}\n`,
    );
    return EXIT_ERROR;
  }
  const interactive = io.isTty && io.env.CI !== "true" && io.env.CI !== "1";
  const logger = new CliLogger({
    write: (line) => io.stderr(`${line}\n`),
    interactive,
    verbose: config.verbose,
    file,
    now,
  });
  const unsubscribe: (() => void)[] = [];
  const controller = new AbortController();
  if (io.onSignal) {
    unsubscribe.push(
      io.onSignal("SIGHUP", () => {
        try {
          file?.reopen();
          logger.info("log file reopened");
        } catch (error) {
          io.stderr(`lunas-sync: cannot reopen the log file: ${(error as Error).message}\n`);
        }
      }),
    );
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      unsubscribe.push(
        io.onSignal(signal, () => {
          logger.warn(
            `${signal}: stopping after the batches in flight; the report will be incomplete`,
          );
          controller.abort();
        }),
      );
    }
  }

  let backend: CliBackend | undefined;
  try {
    backend = await (io.openBackend ?? openBackend)(config);
    logger.debug(`backend: ${backend.description}`);
    return await runCommand(config, backend, {
      io,
      logger,
      now,
      interactive,
      signal: controller.signal,
    });
  } catch (error) {
    // Driver errors may quote a connection string; nothing is printed unredacted.
    const message = redactUrl(error instanceof Error ? error.message : String(error));
    const code = error instanceof LunasError ? ` (${error.code})` : "";
    logger.error(`${config.command} failed${code}: ${message}`);
    return EXIT_ERROR;
  } finally {
    await backend?.close().catch(() => {});
    for (const off of unsubscribe) off();
    file?.close();
  }
}

interface RunContext {
  io: CliIo;
  logger: CliLogger;
  now: () => number;
  interactive: boolean;
  signal: AbortSignal;
}

async function runCommand(
  config: CliConfig,
  backend: CliBackend,
  context: RunContext,
): Promise<number> {
  const { logger } = context;
  switch (config.command) {
    case "health":
      return health(config, backend, context);
    case "user":
      return user(config, backend, context);
    case "migrate": {
      const applied = await backend.migrate();
      logger.info(
        `migrations applied: ${applied.length > 0 ? applied.join(", ") : "none (up to date)"}`,
      );
      return fullRun(config, backend, context, "fix");
    }
    case "validate":
      return fullRun(config, backend, context, "validate");
    default:
      return fullRun(config, backend, context, "fix");
  }
}

async function fullRun(
  config: CliConfig,
  backend: CliBackend,
  context: RunContext,
  mode: "validate" | "fix",
): Promise<number> {
  const { io, logger, now, interactive, signal } = context;
  logger.info(
    `${config.command} started (${mode}${config.dryRun ? ", dry run" : ""}${config.revokeExtra ? ", revoking extra grants" : ""})`,
  );
  const progress = createProgressDisplay({ interactive, write: io.stderr, logger, now });
  const report = await reconcile({
    source: backend.source,
    entitlements: backend.entitlements,
    mode,
    dryRun: config.dryRun,
    revokeExtra: config.revokeExtra,
    signal,
    onProgress: (p) => progress.update(p),
    clock: { now },
    ...(config.batchSize ? { batchSize: config.batchSize } : {}),
    ...(config.concurrency ? { concurrency: config.concurrency } : {}),
  });
  progress.done();
  const exitCode = exitCodeOf(report, config.failOnDrift);

  const out =
    config.out ??
    (config.command === "migrate"
      ? `lunas-sync-migrate-${report.startedAt.replace(/[:.]/g, "-")}.json`
      : undefined);
  if (out) {
    await writeFileAtomically(out, `${JSON.stringify(report, null, 2)}\n`);
    logger.info(`report written to ${out}`);
  }
  if (config.junit) {
    await writeFileAtomically(config.junit, junitReport(report, config.command));
    logger.info(`JUnit report written to ${config.junit}`);
  }
  const { totals } = report;
  for (const drifted of report.users.slice(0, config.verbose ? undefined : 50)) {
    logger.info(`drift user=${drifted.userId}: ${describeDrift(drifted)}`);
  }
  if (!config.verbose && report.users.length > 50) {
    logger.info(
      `… and ${report.users.length - 50} more users with drift (--verbose or --out lists all)`,
    );
  }
  for (const error of report.errors) {
    logger.error(
      `error${error.userId ? ` user=${error.userId}` : ""} ${error.code}: ${redactUrl(error.message)}`,
    );
  }
  const fixedCount = totals.fixed.granted + totals.fixed.revoked + totals.fixed.deduplicated;
  const line = `${config.command} ${report.complete ? "finished" : "stopped early"} in ${report.durationMs} ms: ${totals.usersChecked} users, ${totals.paymentsChecked} payments checked; drift in ${totals.usersWithDrift} users (missing ${totals.missing}, extra ${totals.extra}, duplicates ${totals.duplicates}, absent ${totals.absentUsers}); ${report.dryRun ? "would fix" : "fixed"} ${fixedCount} (granted ${totals.fixed.granted}, revoked ${totals.fixed.revoked}, deduplicated ${totals.fixed.deduplicated}); errors ${totals.errors}; exit ${exitCode}`;
  logger.info(line);
  if (config.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (interactive) io.stdout(`${line}\n`);

  const state: RunState = {
    command: config.command,
    finishedAt: report.finishedAt,
    complete: report.complete,
    usersChecked: totals.usersChecked,
    usersWithDrift: totals.usersWithDrift,
    driftRemaining: remainingDrift(report),
    errors: totals.errors,
    exitCode,
  };
  if (!report.dryRun) {
    try {
      await writeFileAtomically(config.stateFile, `${JSON.stringify(state, null, 2)}\n`);
    } catch (error) {
      logger.warn(`cannot record the run in ${config.stateFile}: ${(error as Error).message}`);
    }
  }
  return exitCode;
}

async function health(
  config: CliConfig,
  backend: CliBackend,
  context: RunContext,
): Promise<number> {
  const { io, logger, now } = context;
  const checks = await Promise.allSettled([
    backend.entitlements.listUsers({ cursor: null, limit: 1 }),
    backend.source.listPaymentUsers({ cursor: null, limit: 1 }),
  ]);
  const reachable = {
    entitlements: checks[0].status === "fulfilled",
    payments: checks[1].status === "fulfilled",
  };
  for (const [side, check] of [
    ["entitlements", checks[0]],
    ["payments", checks[1]],
  ] as const) {
    if (check.status === "rejected") {
      logger.error(
        `${side} unreachable: ${redactUrl((check.reason as Error)?.message ?? String(check.reason))}`,
      );
    }
  }
  let last: RunState | null = null;
  try {
    last = JSON.parse(await readFile(config.stateFile, "utf8")) as RunState;
  } catch {
    logger.warn(`no run recorded in ${config.stateFile}`);
  }
  const ageSeconds = last
    ? Math.max(0, Math.round((now() - Date.parse(last.finishedAt)) / 1000))
    : null;
  const stale = config.maxAge !== undefined && (ageSeconds === null || ageSeconds > config.maxAge);
  const lastFailed = last !== null && (!last.complete || last.errors > 0);
  const exitCode =
    !reachable.entitlements || !reachable.payments
      ? 2
      : stale || lastFailed || (last?.driftRemaining ?? 0) > 0
        ? 1
        : 0;
  const result = { reachable, lastRun: last, lastRunAgeSeconds: ageSeconds, stale, exitCode };
  logger.info(
    `health: entitlements ${reachable.entitlements ? "reachable" : "UNREACHABLE"}, payments ${reachable.payments ? "reachable" : "UNREACHABLE"}; last run ${last ? `${last.command} ${ageSeconds} s ago, exit ${last.exitCode}, drift remaining ${last.driftRemaining}` : "none"}${stale ? " (stale)" : ""}; exit ${exitCode}`,
  );
  if (config.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  return exitCode;
}

async function user(config: CliConfig, backend: CliBackend, context: RunContext): Promise<number> {
  const { io, logger } = context;
  const sync = createPaymentSync({ source: backend.source, entitlements: backend.entitlements });
  const userId = config.userId as string;
  const state: UserState =
    config.fix || config.dryRun
      ? await sync.syncUser(userId, { dryRun: config.dryRun, revokeExtra: config.revokeExtra })
      : await sync.validateUser(userId);
  const drift = state.drift;
  const remaining =
    drift === null
      ? false
      : !(config.fix && !config.dryRun) ||
        drift.missing.some((m) => !drift.fixed.granted.includes(m.itemId)) ||
        drift.extra.some((item) => !drift.fixed.revoked.includes(item)) ||
        drift.duplicates.some(
          (d) =>
            !drift.fixed.deduplicated.includes(d.itemId) && !drift.fixed.revoked.includes(d.itemId),
        );
  const exitCode = (config.failOnDrift ? drift !== null : remaining) ? 1 : 0;
  logger.info(
    `user ${userId}: ${state.payments.length} payments, grants ${state.items === null ? "(no record)" : JSON.stringify(state.items)}; ${drift ? describeDrift(drift) : "no drift"}${drift && (config.fix || config.dryRun) ? `; ${config.dryRun ? "would fix" : "fixed"} ${JSON.stringify(drift.fixed)}` : ""}`,
  );
  if (config.json) io.stdout(`${JSON.stringify(state, null, 2)}\n`);
  else if (context.interactive)
    io.stdout(
      `${describeDrift(drift ?? { absentFrom: null, missing: [], extra: [], duplicates: [], userId, fixed: { granted: [], revoked: [], deduplicated: [] } }) || "no drift"}\n`,
    );
  return exitCode;
}
