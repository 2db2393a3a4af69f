export { fingerprintPayload } from "./fingerprint-payload.js";
export {
  IdempotencyInProgressError,
  IdempotencyLeaseLostError,
  IdempotencyPayloadMismatchError,
  IdempotencyResultNotSerializableError,
} from "./idempotency-errors.js";
export { MAX_IDEMPOTENCY_KEY_LENGTH } from "./idempotency-key.js";
export {
  createIdempotentProcessor,
  type IdempotentClaim,
  type IdempotentProcessor,
  type IdempotentProcessorOptions,
  type IdempotentRunOptions,
} from "./idempotent-processor.js";
export { MemoryIdempotencyStore } from "./memory-idempotency-store.js";
export { createWebhookProcessor, type WebhookProcessorOptions } from "./webhook-processor.js";
