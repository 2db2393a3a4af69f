/** A pending verification: one per user, the code only as its HMAC. */
export interface PendingVerification {
  userId: string;
  phone: string;
  codeHash: string;
  /** Wrong codes tried so far. */
  attempts: number;
  expiresAt: number;
  createdAt: number;
}

/**
 * Where pending phone verifications wait for their code. `consumeAttempt` is the
 * one atomic verb: it counts an attempt before the code is compared, so
 * concurrent guesses can never exceed the limit.
 */
export interface PhoneVerificationStore {
  /** Replaces the user's pending verification (a new code voids the old one). */
  put(verification: PendingVerification): Promise<void>;
  get(userId: string): Promise<PendingVerification | null>;
  /**
   * Atomically adds one to `attempts` when it is below `maxAttempts` and the
   * verification has not expired at `now`, and returns it as updated; returns
   * `null` when there is none, it expired, or its attempts are used up.
   */
  consumeAttempt(
    userId: string,
    maxAttempts: number,
    now: number,
  ): Promise<PendingVerification | null>;
  delete(userId: string): Promise<void>;
}
