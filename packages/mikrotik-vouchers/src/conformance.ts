// The conformance suites (vitest suites): run them against your own adapters.
export {
  type HotspotRouterConformanceContext,
  type HotspotRouterFactory,
  hotspotRouterConformance,
} from "./testing/hotspot-router-conformance.js";
