export {
  ACQUIRE_TOKEN_LEASE_FUNCTION,
  SupabaseTokenStore,
  type SupabaseTokenStoreOptions,
} from "./supabase-token-store.js";
