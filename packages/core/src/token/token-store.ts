/** A provider token as stored: the secret value and when it stops being valid. */
export interface StoredToken {
  value: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/**
 * Where a token provider keeps a login token between calls and between
 * processes. Four required verbs plus an optional lease.
 *
 * Adapters in Lunas: `MemoryTokenStore`, `PostgresTokenStore` (pg and PGlite),
 * `SupabaseTokenStore`. Check your own with `tokenStoreConformance` from
 * `@lunas/core/testing`. Bad input (empty key, non-integer times) should be
 * refused with `InvalidArgumentError` before anything is written.
 */
export interface TokenStore {
  /** The stored token for `key`, or `null`. May return an expired token; the provider checks expiry. */
  get(key: string): Promise<StoredToken | null>;
  /** Stores (or replaces) the token for `key`. */
  set(key: string, token: StoredToken): Promise<void>;
  /** Removes the token for `key`; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Removes the token for `key` only while its value is still `value`, in one
   * atomic step; resolves whether it did. A provider drops a rejected token this
   * way, so a newer token another process stored in between survives.
   */
  compareAndDelete(key: string, value: string): Promise<boolean>;
  /**
   * Optional: try to become the one holder allowed to log in for `key` until
   * `until` (ms epoch). Resolves `true` when this `holder` now holds it (also when
   * it already did, or the previous holder's lease ran out), `false` when another
   * holder's unexpired lease stands. A lease stands while `until` is later than
   * the store's clock; the check and the write are one atomic step, so of many
   * holders asking at once exactly one wins. Stores that compare with a clock
   * should take it injected (a `clock` option), not read the database's `now()`.
   */
  acquireLease?(key: string, holder: string, until: number): Promise<boolean>;
  /** Releases the lease if `holder` still holds it; another holder's lease is left alone. */
  releaseLease?(key: string, holder: string): Promise<void>;
  /**
   * Optional: removes tokens whose `expiresAt` and leases whose `until` lie
   * strictly before `now` (ms epoch). Returns how many entries went. The
   * provider calls it after a login; a cron may call it too.
   */
  deleteExpired?(now: number): Promise<number>;
}
