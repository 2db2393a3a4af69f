/** A provider token as stored: the secret value and when it stops being valid. */
export interface StoredToken {
  value: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/**
 * Where a token provider keeps a login token between calls and between
 * processes. Three required verbs plus an optional lease.
 */
export interface TokenStore {
  /** The stored token for `key`, or `null`. May return an expired token; the provider checks expiry. */
  get(key: string): Promise<StoredToken | null>;
  /** Stores (or replaces) the token for `key`. */
  set(key: string, token: StoredToken): Promise<void>;
  /** Removes the token for `key`; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Optional: try to become the one holder allowed to log in for `key` until
   * `until` (ms epoch). Resolves `true` when this `holder` now holds it (also when
   * it already did, or the previous holder's lease ran out), `false` when another
   * holder's unexpired lease stands.
   */
  acquireLease?(key: string, holder: string, until: number): Promise<boolean>;
  /** Releases the lease if `holder` still holds it. */
  releaseLease?(key: string, holder: string): Promise<void>;
  /** Optional: removes tokens and leases that expired before `now`. Returns how many rows went. */
  deleteExpired?(now: number): Promise<number>;
}
