import { InvalidArgumentError, retry, type Sleep } from "@lunas/core";

export interface PortCallRetry {
  maxAttempts: number;
  baseDelayMs: number;
  sleep?: Sleep;
}

/**
 * Every port call of a run goes through here: a dropped connection or a
 * throttled table is retried with backoff (core's `retry`); a bad argument is not.
 */
export function retryingCalls(options: PortCallRetry) {
  return <T>(fn: () => Promise<T>): Promise<T> =>
    retry(() => fn(), {
      maxAttempts: options.maxAttempts,
      baseDelayMs: options.baseDelayMs,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      retryable: (error) => !(error instanceof InvalidArgumentError),
    });
}
