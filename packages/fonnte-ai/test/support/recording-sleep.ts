import { realSleep, type Sleep } from "@lunas/core";

/**
 * A sleep for clients on core's JSON HTTP client, whose waits between attempts
 * run on the injected sleep (its attempt deadline is a timer of its own): a
 * wait of exactly `timeoutMs` is spent really, every other one is recorded in
 * `delays` and skipped, so retry tests check the waits without spending them.
 */
export function recordingSleep(timeoutMs: number): { sleep: Sleep; delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: (ms, signal) => {
      if (ms === timeoutMs) return realSleep(ms, signal);
      delays.push(ms);
      return Promise.resolve();
    },
  };
}
