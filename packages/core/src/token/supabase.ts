export { SupabaseTokenStore, type SupabaseTokenStoreOptions } from "./supabase-token-store.js";
export {
  ACQUIRE_TOKEN_LEASE_FUNCTION,
  DELETE_TOKEN_IF_VALUE_FUNCTION,
} from "./token-sql-functions.js";
