export {
  type IdempotencyStoreFactory,
  idempotencyStoreConformance,
} from "./idempotency-store-conformance.js";
