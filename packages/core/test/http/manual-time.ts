import type { Sleep } from "@lunas/core";
import { ManualClock } from "@lunas/core/testing";

/**
 * A ManualClock whose sleeps are recorded: `requested(ms)` resolves once the
 * code under test asks to wait `ms`, so a test advances time exactly when
 * the client is waiting, never on a guess.
 */
export function manualTime() {
  const clock = new ManualClock();
  const waits: number[] = [];
  let watchers: { ms: number; resolve: () => void }[] = [];
  const sleep: Sleep = (ms, signal) => {
    waits.push(ms);
    for (const watcher of watchers.filter((w) => w.ms === ms)) watcher.resolve();
    watchers = watchers.filter((w) => w.ms !== ms);
    return clock.sleep(ms, signal);
  };
  const requested = (ms: number) =>
    waits.includes(ms)
      ? Promise.resolve()
      : new Promise<void>((resolve) => watchers.push({ ms, resolve }));
  return { clock, sleep, waits, requested };
}
