export {
  type EntitlementStore,
  entitlementStoreSchema,
  type UserEntitlements,
} from "./entitlements/entitlement-store.js";
export { MemoryEntitlementStore } from "./entitlements/memory-entitlement-store.js";
export {
  isMidtransPaid,
  type MidtransNotification,
  midtransNotificationSchema,
  midtransTimeToIso,
} from "./midtrans/midtrans-notification.js";
export {
  createMidtransNotificationHandler,
  type MidtransNotificationHandlerOptions,
  type MidtransOutcome,
} from "./midtrans/midtrans-notification-handler.js";
export { constantTimeEqual, midtransSignature } from "./midtrans/midtrans-signature.js";
export { MemoryPaymentSource } from "./payments/memory-payment-source.js";
export {
  type Page,
  type Payment,
  type PaymentSource,
  paymentSourceSchema,
} from "./payments/payment-source.js";
export {
  createPaymentSync,
  type PaymentSync,
  type PaymentSyncOptions,
  type UserState,
} from "./reconcile/payment-sync.js";
export {
  type ReconcileOptions,
  type ReconcileProgress,
  reconcile,
} from "./reconcile/reconcile.js";
export { type FoundDrift, findUserDrift } from "./reconcile/user-drift.js";
export {
  REPORT_SCHEMA_VERSION,
  type ReconciliationError,
  type ReconciliationReport,
  reconciliationReportSchema,
  reportJsonSchema,
  type UserDrift,
  userDriftSchema,
} from "./report/report-schema.js";
