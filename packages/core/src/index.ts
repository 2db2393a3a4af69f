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
export type {
  ClaimOutcome,
  ClaimRequest,
  IdempotencyRecord,
  IdempotencyStore,
} from "./idempotency/idempotency-store.js";
export * from "./idempotency/public.js";
export type { MethodName } from "./input/injected-schemas.js";
export {
  callableSchema,
  clockSchema,
  idempotencyStoreSchema,
  portSchema,
  sleepSchema,
  sqlExecutorSchema,
  tokenStoreSchema,
} from "./input/injected-schemas.js";
export type { EnqueueOptions, Job, JobHandler, JobQueue } from "./jobs/job-queue.js";
export * from "./jobs/public.js";
export * from "./retry/public.js";
export type { QueryResult, SqlExecutor } from "./sql/executor.js";
export { qualifiedName, quoteIdentifier } from "./sql/identifier.js";
export type { Migration, RunMigrationsOptions } from "./sql/migration-runner.js";
export { MigrationError, runMigrations } from "./sql/migration-runner.js";
export type { Clock, Sleep } from "./time/clock.js";
export { realSleep, systemClock } from "./time/clock.js";
export * from "./token/public.js";
export type { StoredToken, TokenStore } from "./token/token-store.js";
