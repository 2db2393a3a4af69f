// The conformance suites every adapter of a core port runs (vitest is a peer
// of this entry only). Each is `<port>Conformance(name, factory, options?)`,
// with `factory({ clock })` returning the subject and a `cleanup`.
export { caseExpect } from "./testing/case-expect.js";
export {
  type IdempotencyStoreFactory,
  idempotencyStoreConformance,
} from "./testing/idempotency-store-conformance.js";
export {
  type JobQueueConformanceContext,
  jobQueueConformance,
} from "./testing/job-queue-conformance.js";
export {
  type TokenStoreConformanceContext,
  type TokenStoreConformanceOptions,
  type TokenStoreFactory,
  tokenStoreConformance,
} from "./testing/token-store-conformance.js";
