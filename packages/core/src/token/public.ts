export { MemoryTokenStore, type MemoryTokenStoreOptions } from "./memory-token-store.js";
export { TokenFetchError, TokenFetchTimeoutError, TokenStoreError } from "./token-errors.js";
export { jwtExpiry } from "./token-expiry.js";
export {
  createTokenProvider,
  type FetchedToken,
  type TokenEvent,
  type TokenProvider,
  type TokenProviderOptions,
} from "./token-provider.js";
