// The conformance suites (vitest suites): run them against your own adapters.
export {
  type HotspotRouterConformanceContext,
  type HotspotRouterFactory,
  hotspotRouterConformance,
} from "./testing/hotspot-router-conformance.js";
export {
  type VoucherStoreConformanceContext,
  type VoucherStoreFactory,
  voucherStoreConformance,
} from "./testing/voucher-store-conformance.js";
