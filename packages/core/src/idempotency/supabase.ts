export {
  SupabaseIdempotencyStore,
  SupabaseIdempotencyStoreError,
  type SupabaseIdempotencyStoreOptions,
} from "./supabase-idempotency-store.js";
