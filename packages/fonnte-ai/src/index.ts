export { AiProviderError, type AiProviderErrorCode } from "./ai/ai-errors.js";
export type { AiProvider, AiReply, AiRequest } from "./ai/ai-provider.js";
export { createGeminiProvider, type GeminiProviderOptions } from "./ai/gemini-provider.js";
export type { FallbackOptions } from "./ai/model-fallback.js";
export {
  createOpenAiCompatibleProvider,
  type OpenAiCompatibleProviderOptions,
} from "./ai/openai-compatible-provider.js";
export { type BridgeEvent, maskPhone } from "./bridge/bridge-events.js";
export type { BridgeMetrics, LatencySummary, RejectionReason } from "./bridge/bridge-metrics.js";
export {
  type BridgeMessages,
  type ContextInput,
  DEFAULT_MESSAGES,
  DEFAULT_SYSTEM_PROMPT,
  type WhatsAppAiBridgeOptions,
} from "./bridge/bridge-options.js";
export type { PendingReply } from "./bridge/reply-delivery.js";
export { SenderSequencer } from "./bridge/sender-sequencer.js";
export {
  type BridgeHealth,
  createWhatsAppAiBridge,
  type WebhookOutcome,
  type WhatsAppAiBridge,
} from "./bridge/whatsapp-ai-bridge.js";
export {
  createFonnteClient,
  type FonnteClient,
  type FonnteClientOptions,
  type FonnteSendInput,
  type FonnteSendResult,
} from "./fonnte/fonnte-client.js";
export {
  FonnteApiError,
  FonnteNetworkError,
  FonnteResponseError,
  FonnteTimeoutError,
} from "./fonnte/fonnte-errors.js";
export type { OutgoingMessage, WhatsAppSender } from "./fonnte/whatsapp-sender.js";
export { splitReply } from "./format/split-reply.js";
export { markdownToWhatsApp } from "./format/whatsapp-markdown.js";
export type {
  IdentityResolver,
  ResolvedIdentity,
  UsersTableOptions,
} from "./identity/identity-resolver.js";
export {
  InvalidPhoneNumberError,
  normalizeIndonesianPhone,
  toIndonesianMobile,
} from "./phone/indonesian-phone.js";
export { MemoryRateLimiter } from "./rate-limit/memory-rate-limiter.js";
export type { RateLimitDecision, RateLimiter, RateLimitRule } from "./rate-limit/rate-limiter.js";
export {
  MemorySessionStore,
  type MemorySessionStoreOptions,
  type SessionSnapshot,
} from "./session/memory-session-store.js";
export {
  type ChatMessage,
  DEFAULT_SESSION_POLICY,
  type SessionPolicy,
  type SessionStore,
  trimToWholeTurns,
} from "./session/session-store.js";
export { MemoryPhoneVerificationStore } from "./verification/memory-phone-verification-store.js";
export {
  createPhoneVerification,
  type PhoneVerification,
  type PhoneVerificationOptions,
} from "./verification/phone-verification.js";
export {
  PhoneVerificationError,
  type PhoneVerificationErrorCode,
} from "./verification/phone-verification-errors.js";
export type {
  PendingVerification,
  PhoneVerificationStore,
} from "./verification/phone-verification-store.js";
export {
  type FonnteIncomingMessage,
  type FonnteWebhookPayload,
  fonnteWebhookSchema,
  type ParsedFonnteWebhook,
  parseFonnteWebhook,
} from "./webhook/fonnte-webhook.js";
