export {
  buildInvoiceCallback,
  buildPaymentSessionCompleted,
  buildPaymentSessionExpired,
  type InvoiceCallbackInput,
  type SessionEventInput,
} from "./testing/event-builders.js";
export {
  type LedgerStoreFactory,
  ledgerStoreConformance,
} from "./testing/ledger-store-conformance.js";
