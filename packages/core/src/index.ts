export { InvalidArgumentError, LunasError } from "./errors/lunas-error.js";
export { parseInput } from "./errors/parse-input.js";
export {
  HttpApiError,
  type HttpApiErrorOptions,
  HttpClientError,
  HttpNetworkError,
  HttpResponseError,
  HttpTimeoutError,
  type ResponseIssue,
} from "./http/http-errors.js";
export { createJsonHttpClient, type JsonHttpClient } from "./http/json-http-client.js";
export type {
  AnswerVerdict,
  HttpAnswer,
  HttpAuth,
  HttpMethod,
  HttpRequestContext,
  HttpRequestEvent,
  HttpResponseEvent,
  HttpRetryOptions,
  JsonHttpClientOptions,
  JsonRequest,
  ProviderFailure,
} from "./http/json-http-client-options.js";
export { ResponseBodyTimeoutError, readBodyWithin } from "./http/response-body.js";
export { fingerprintPayload } from "./idempotency/fingerprint-payload.js";
export {
  IdempotencyInProgressError,
  IdempotencyLeaseLostError,
  IdempotencyPayloadMismatchError,
  IdempotencyResultNotSerializableError,
} from "./idempotency/idempotency-errors.js";
export { MAX_IDEMPOTENCY_KEY_LENGTH } from "./idempotency/idempotency-key.js";
export type {
  ClaimOutcome,
  ClaimRequest,
  IdempotencyRecord,
  IdempotencyStore,
} from "./idempotency/idempotency-store.js";
export {
  createIdempotentProcessor,
  type IdempotentClaim,
  type IdempotentProcessor,
  type IdempotentProcessorOptions,
  type IdempotentRunOptions,
} from "./idempotency/idempotent-processor.js";
export { MemoryIdempotencyStore } from "./idempotency/memory-idempotency-store.js";
export {
  createWebhookProcessor,
  type KeyedWebhookOptions,
  type ReceivingWebhookOptions,
  type WebhookErrorContext,
  WebhookHandlerError,
  type WebhookOutcome,
  type WebhookProcessorOptions,
  type WebhookStage,
} from "./idempotency/webhook-processor.js";
export type { EnqueueOptions, Job, JobHandler, JobQueue } from "./jobs/job-queue.js";
export {
  JobHandlerTimeoutError,
  JobQueueNotRunningError,
  JobQueuePolicyError,
  JobQueueStartError,
  JobQueueTransactionUnsupportedError,
  WorkerAlreadyRegisteredError,
} from "./jobs/job-queue-errors.js";
export {
  MemoryJobQueue,
  type MemoryJobQueueOptions,
  type MemoryJobSnapshot,
  type MemoryJobState,
} from "./jobs/memory-job-queue.js";
export { type BackoffOptions, computeBackoffDelay } from "./retry/backoff.js";
export { type RetryInfo, type RetryOptions, retry } from "./retry/retry.js";
export { RetryExhaustedError } from "./retry/retry-exhausted-error.js";
export { encodeSecrets, matchesAnySecret } from "./secret/constant-time.js";
export type { QueryResult, SqlExecutor } from "./sql/executor.js";
export { qualifiedName, quoteIdentifier } from "./sql/identifier.js";
export type { Migration, RunMigrationsOptions } from "./sql/migration-runner.js";
export { MigrationError, runMigrations } from "./sql/migration-runner.js";
export type { Clock, Sleep } from "./time/clock.js";
export { realSleep, systemClock } from "./time/clock.js";
export { MemoryTokenStore, type MemoryTokenStoreOptions } from "./token/memory-token-store.js";
export { TokenFetchError, TokenFetchTimeoutError, TokenStoreError } from "./token/token-errors.js";
export { jwtExpiry } from "./token/token-expiry.js";
export {
  createTokenProvider,
  type FetchedToken,
  type TokenEvent,
  type TokenProvider,
  type TokenProviderOptions,
} from "./token/token-provider.js";
export type { StoredToken, TokenStore } from "./token/token-store.js";
