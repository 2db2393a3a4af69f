// Fakes and builders; nothing here imports vitest (the suite is in `./conformance`).
export {
  buildInvoiceCallback,
  buildPaymentSessionCompleted,
  buildPaymentSessionExpired,
  type InvoiceCallbackInput,
  type SessionEventInput,
} from "./testing/event-builders.js";
export {
  type Delivery,
  type DeliveryOptions,
  FakeXenditServer,
  type FakeXenditServerOptions,
  type RecordedRequest,
} from "./testing/fake-xendit-server.js";
