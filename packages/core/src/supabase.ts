export {
  SupabaseIdempotencyStore,
  SupabaseIdempotencyStoreError,
  type SupabaseIdempotencyStoreOptions,
} from "./idempotency/supabase-idempotency-store.js";
export type {
  PostgrestErrorLike,
  PostgrestFilterLike,
  PostgrestQueryLike,
  PostgrestResponseLike,
  PostgrestSchemaLike,
  SupabaseClientLike,
} from "./sql/supabase-client-like.js";
export {
  SupabaseTokenStore,
  type SupabaseTokenStoreOptions,
} from "./token/supabase-token-store.js";
export {
  ACQUIRE_TOKEN_LEASE_FUNCTION,
  DELETE_TOKEN_IF_VALUE_FUNCTION,
} from "./token/token-sql-functions.js";
