export type {
  CreateInvoiceInput,
  Invoice,
} from "./client/invoice-schemas.js";
export { INVOICE_STATUSES, invoiceSchema } from "./client/invoice-schemas.js";
export type { CreateSessionInput, PaymentSession } from "./client/session-schemas.js";
export { paymentSessionSchema, SESSION_STATUSES } from "./client/session-schemas.js";
export type {
  CallOptions,
  CreateCallOptions,
  XenditClient,
  XenditClientOptions,
} from "./client/xendit-client.js";
export { createXenditClient } from "./client/xendit-client.js";
export {
  XenditApiError,
  XenditNetworkError,
  XenditResponseError,
  XenditTimeoutError,
} from "./client/xendit-errors.js";
export type {
  AttachResult,
  BackfillChange,
  BackfillResult,
  Ledger,
  LedgerOptions,
  LedgerOrphan,
  OrderPaymentResult,
  OrderPaymentSessionInput,
  RecordResult,
} from "./ledger/create-ledger.js";
export { createLedger } from "./ledger/create-ledger.js";
export {
  LedgerClientMissingError,
  OrderAmountMismatchError,
  OrderNotFoundError,
  SessionConflictError,
  SessionInUseError,
} from "./ledger/ledger-errors.js";
export type {
  AttachOutcome,
  LedgerCounts,
  LedgerOrder,
  LedgerPayment,
  LedgerStore,
  NewOrder,
  PaymentStatus,
  PaymentUpsert,
} from "./ledger/ledger-store.js";
export { PAYMENT_STATUS_RANK } from "./ledger/ledger-store.js";
export { MemoryLedgerStore } from "./ledger/memory-ledger-store.js";
export type {
  CustomOrderLink,
  OrderLink,
  OrderLinkSource,
  OrderLinkVia,
} from "./ledger/order-link.js";
export { DEFAULT_ORDER_LINKS } from "./ledger/order-link.js";
export { CALLBACK_TOKEN_HEADER } from "./webhooks/callback-token.js";
export { xenditEventSchema } from "./webhooks/xendit-event-schema.js";
export type {
  InvoiceCallback,
  InvoiceExpiredEvent,
  InvoicePaidEvent,
  InvoiceSettledEvent,
  ParsedWebhook,
  PaymentSessionCompletedEvent,
  PaymentSessionExpiredEvent,
  UnknownXenditEvent,
  XenditEvent,
  XenditEventName,
  XenditEventOf,
} from "./webhooks/xendit-events.js";
export {
  dedupeKeyOf,
  invoiceCallbackSchema,
  parseXenditWebhook,
  paymentSessionCompletedSchema,
  paymentSessionExpiredSchema,
  XENDIT_EVENT_NAMES,
  XenditEventShapeError,
} from "./webhooks/xendit-events.js";
export type {
  HeadersLike,
  ReceiveResult,
  WebhookErrorContext,
  XenditWebhooks,
  XenditWebhooksOptions,
} from "./webhooks/xendit-webhooks.js";
export { createXenditWebhooks } from "./webhooks/xendit-webhooks.js";
