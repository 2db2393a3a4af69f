export {
  PostgresIdempotencyStore,
  type PostgresIdempotencyStoreOptions,
} from "./postgres-idempotency-store.js";
