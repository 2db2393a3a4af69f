import { realSleep, type Sleep } from "@lunas/core";

/**
 * A sleep for clients on core's JSON HTTP client, which runs both its attempt
 * deadline and its waits between attempts on the injected sleep: the deadline
 * (`timeoutMs`) is waited for really, every other wait is recorded in `delays`
 * and skipped, so retry tests check the waits without spending them.
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
