/**
 * The SQL functions both token store adapters call, so a lease and a
 * compare-and-delete are written once, in SQL: `PostgresTokenStore` selects
 * them, `SupabaseTokenStore` calls them as RPCs.
 */

/** Migration 0001: the atomic lease (PostgREST cannot make an upsert conditional by itself). */
export const ACQUIRE_TOKEN_LEASE_FUNCTION = "lunas_acquire_token_lease";

/** Migration 0003: drops a token only while it still has the given value. */
export const DELETE_TOKEN_IF_VALUE_FUNCTION = "lunas_delete_token_if_value";
