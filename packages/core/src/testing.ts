export * from "./idempotency/testing.js";
export * from "./jobs/testing.js";
export {
  createPgliteTestDatabase,
  createPostgresTestSchema,
  type TestDatabase,
} from "./testing/test-database.js";
export { ManualClock } from "./time/manual-clock.js";
export * from "./token/testing.js";
