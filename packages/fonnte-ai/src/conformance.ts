// The conformance suites (vitest): run them against an adapter of your own.
export {
  type IdentityResolverConformanceContext,
  type IdentityResolverFactory,
  identityResolverConformance,
  type SeedUser,
} from "./testing/identity-resolver-conformance.js";
export {
  type PhoneVerificationStoreFactory,
  phoneVerificationStoreConformance,
} from "./testing/phone-verification-store-conformance.js";
export {
  type RateLimiterConformanceContext,
  type RateLimiterConformanceOptions,
  type RateLimiterFactory,
  rateLimiterConformance,
} from "./testing/rate-limiter-conformance.js";
export {
  SESSION_CONFORMANCE_POLICY,
  type SessionStoreConformanceContext,
  type SessionStoreFactory,
  sessionStoreConformance,
} from "./testing/session-store-conformance.js";
