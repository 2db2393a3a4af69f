export type { BackoffOptions } from "./backoff.js";
export { computeBackoffDelay } from "./backoff.js";
export type { RetryInfo, RetryOptions } from "./retry.js";
export { retry } from "./retry.js";
export { RetryExhaustedError } from "./retry-exhausted-error.js";
