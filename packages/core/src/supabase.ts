export {
  SupabaseIdempotencyStore,
  SupabaseIdempotencyStoreError,
  type SupabaseIdempotencyStoreOptions,
} from "./idempotency/supabase-idempotency-store.js";
export {
  ACQUIRE_TOKEN_LEASE_FUNCTION,
  SupabaseTokenStore,
  type SupabaseTokenStoreOptions,
} from "./token/supabase-token-store.js";
