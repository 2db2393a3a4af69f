export * from "./idempotency/testing.js";
export * from "./jobs/testing.js";
export {
  createPostgrestStandIn,
  type PostgrestStandInOptions,
} from "./testing/postgrest-stand-in.js";
export {
  createSupabaseLikeTestSchema,
  SUPABASE_API_ROLES,
  type SupabaseApiRole,
  type SupabaseLikeTestDatabase,
} from "./testing/supabase-like-test-schema.js";
export {
  createPgliteTestDatabase,
  createPostgresTestSchema,
  type TestDatabase,
} from "./testing/test-database.js";
export { ManualClock } from "./time/manual-clock.js";
export * from "./token/testing.js";
