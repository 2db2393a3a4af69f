import { LunasError } from "../errors/lunas-error.js";

/**
 * Every attempt `retry` was allowed failed with a retryable error. `cause` is
 * the last attempt's error; earlier errors are only reported through `onRetry`.
 */
export class RetryExhaustedError extends LunasError {
  /** How many times the function ran. */
  readonly attempts: number;

  constructor(attempts: number, lastError: unknown) {
    super(
      "RETRY_EXHAUSTED",
      `Gave up after ${attempts} attempt${attempts === 1 ? "" : "s"}; the last error is in \`cause\`. Raise maxAttempts or fix the failing call.`,
      { cause: lastError },
    );
    this.attempts = attempts;
  }
}
