export { CHARSETS, type Charset } from "./codes/charsets.js";
export {
  type CodeShape,
  cryptoRandomBytes,
  generateVoucherCodes,
  type RandomBytes,
  type VoucherCode,
  VoucherCodeSpaceExhaustedError,
} from "./codes/voucher-codes.js";
export { dataLimitBytes, type VoucherPlan } from "./codes/voucher-plan.js";
export {
  type DeliveryOutcome,
  VoucherDeliveryTimeoutError,
} from "./delivery/delivery-sender.js";
export type {
  DeliveryResult,
  VoucherDelivery,
  VoucherMessage,
} from "./delivery/voucher-delivery.js";
export {
  indonesianVoucherMessage,
  type VoucherMessageContent,
  type VoucherMessageTemplate,
} from "./delivery/voucher-message.js";
export { MemoryVoucherStore } from "./purchases/memory-voucher-store.js";
export {
  PurchaseConflictError,
  PurchaseNotFoundError,
  PurchaseStatusError,
  VoucherCountMismatchError,
} from "./purchases/purchase-errors.js";
export {
  createVoucherJobs,
  PAYMENT_SUCCEEDED_JOB,
  type VoucherJobsOptions,
} from "./purchases/voucher-jobs.js";
export {
  type BulkRegenerateResult,
  type CreatePurchaseInput,
  createVoucherService,
  type FulfilmentResult,
  type RetryPolicy,
  VoucherGenerationFailedError,
  type VoucherService,
  type VoucherServiceOptions,
} from "./purchases/voucher-service.js";
export type {
  DeliveryAttempt,
  DeliveryStatus,
  Purchase,
  PurchasePage,
  PurchaseStatus,
  StatusChange,
  StoredVoucher,
  VoucherStatistics,
  VoucherStore,
} from "./purchases/voucher-store.js";
export type {
  AddUserOutcome,
  HotspotRouter,
  HotspotUser,
  NewHotspotUser,
} from "./router/hotspot-router.js";
export { HotspotProfileNotFoundError } from "./router/hotspot-router-errors.js";
export {
  RouterOsHotspotRouter,
  type RouterOsHotspotRouterOptions,
} from "./router/routeros-hotspot-router.js";
export {
  createRouterOsClient,
  type RouterOsClient,
  type RouterOsClientOptions,
  type RouterOsCommandOptions,
  type RouterOsReply,
  type RouterOsTlsOptions,
} from "./routeros/routeros-client.js";
export {
  RouterOsClosedError,
  RouterOsConnectionError,
  RouterOsError,
  RouterOsFatalError,
  RouterOsLoginError,
  RouterOsProtocolError,
  RouterOsTimeoutError,
  RouterOsTrapError,
} from "./routeros/routeros-errors.js";
