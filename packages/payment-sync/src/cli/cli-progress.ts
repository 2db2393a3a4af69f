import type { ReconcileProgress } from "../reconcile/reconcile.js";
import type { CliLogger } from "./cli-logger.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface ProgressDisplay {
  update(progress: ReconcileProgress): void;
  done(): void;
}

const summary = (p: ReconcileProgress) =>
  `phase=${p.phase} users=${p.usersChecked} payments=${p.paymentsChecked} drift=${p.usersWithDrift} fixed=${p.fixed}`;

/**
 * On a terminal, one line redrawn in place (the totals are not known in
 * advance, so it counts rather than fills); otherwise a structured log line at
 * most every `everyMs`, so a cron log stays readable.
 */
export function createProgressDisplay(options: {
  interactive: boolean;
  write: (text: string) => void;
  logger: CliLogger;
  now: () => number;
  everyMs?: number;
}): ProgressDisplay {
  const { interactive, write, logger, now } = options;
  const everyMs = options.everyMs ?? 5_000;
  let frame = 0;
  let lastLine = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(progress) {
      if (interactive) {
        const label =
          progress.phase === "entitlements"
            ? "checking users"
            : "finding paying users without a record";
        write(
          `\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${label}: ${progress.usersChecked} users, ${progress.paymentsChecked} payments, ${progress.usersWithDrift} with drift, ${progress.fixed} fixed`,
        );
        drawn = true;
        return;
      }
      if (now() - lastLine < everyMs) return;
      lastLine = now();
      logger.info(`progress ${summary(progress)}`);
    },
    done() {
      if (drawn) write("\r\x1b[2K");
    },
  };
}
