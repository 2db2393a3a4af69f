export {
  type EntitlementStoreConformanceContext,
  type EntitlementStoreConformanceOptions,
  type EntitlementStoreFactory,
  entitlementStoreConformance,
} from "./testing/entitlement-store-conformance.js";
export {
  type PaymentSourceConformanceContext,
  type PaymentSourceConformanceOptions,
  type PaymentSourceFactory,
  paymentSourceConformance,
} from "./testing/payment-source-conformance.js";
