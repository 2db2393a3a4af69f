export { PostgresTokenStore, type PostgresTokenStoreOptions } from "./postgres-token-store.js";
