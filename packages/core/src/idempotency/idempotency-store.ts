/** A claimed key as the store holds it. */
export interface IdempotencyRecord {
  key: string;
  /** Hash of the payload that first claimed the key; a different payload under the same key is a conflict. */
  fingerprint: string;
  status: "in_progress" | "completed";
  /** Who holds an in-progress claim. */
  holder: string;
  /** When an in-progress claim may be taken over (ms epoch). */
  leaseExpiresAt: number;
  /** The handler's result, once completed (JSON-serialisable). */
  result?: unknown;
  /** When the record may be deleted (ms epoch). */
  expiresAt: number;
}

export interface ClaimRequest {
  key: string;
  fingerprint: string;
  holder: string;
  /** The clock's now (ms epoch): stores never read their own clock. */
  now: number;
  /** ms epoch: the new claim's lease end. */
  leaseExpiresAt: number;
  /** ms epoch: when the record may be deleted if nothing completes it. */
  expiresAt: number;
}

export type ClaimOutcome =
  /** The caller now holds the key (new, or took over an expired lease/record). */
  | { status: "acquired"; record: IdempotencyRecord }
  /** Someone else holds an unexpired lease. */
  | { status: "in_progress"; record: IdempotencyRecord }
  /** Already done; `record.result` is the stored result. */
  | { status: "completed"; record: IdempotencyRecord };

/**
 * Atomic claim/complete/fail over some storage. Fingerprint comparison,
 * hashing and expiry policy live in the processor, once, not in each store.
 */
export interface IdempotencyStore {
  /**
   * Atomically: if no live record exists (none, or its `expiresAt` passed, or it is
   * in progress with an expired lease), write an in-progress record for `holder` and
   * answer `acquired`; otherwise answer with the existing record.
   */
  claim(request: ClaimRequest): Promise<ClaimOutcome>;
  /**
   * Marks the key completed with `result`, kept until `expiresAt`, only if `holder`
   * still holds it. Resolves `false` when the claim was lost (taken over after the lease ran out).
   */
  complete(key: string, holder: string, result: unknown, expiresAt: number): Promise<boolean>;
  /** Deletes an in-progress record held by `holder`, so the next delivery can run again. */
  release(key: string, holder: string): Promise<void>;
  /** Reads a record (for inspection and tests). */
  get(key: string): Promise<IdempotencyRecord | null>;
  /** Removes records whose `expiresAt` is before `now`; returns how many. */
  purgeExpired(now: number): Promise<number>;
}
