export {
  FakeTokenEndpoint,
  type FakeTokenEndpointOptions,
  FakeUnauthorizedError,
} from "./fake-token-endpoint.js";
export {
  type TokenStoreConformanceContext,
  type TokenStoreConformanceOptions,
  type TokenStoreFactory,
  tokenStoreConformance,
} from "./token-store-conformance.js";
