// Fakes, clocks and test databases. Nothing here imports vitest, so an app
// without it can load this entry; the conformance suites are in `./conformance`.
export {
  FakeTokenEndpoint,
  type FakeTokenEndpointOptions,
  FakeUnauthorizedError,
} from "./testing/fake-token-endpoint.js";
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
