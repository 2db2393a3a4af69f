/** A claimed key as the store holds it. */
export interface IdempotencyRecord {
  key: string;
  /** Hash of the payload that claimed the key; a different payload under the same key is a conflict. */
  fingerprint: string;
  status: "in_progress" | "completed";
  /** Who claimed the key (for a completed record: who completed it). */
  holder: string;
  /** From this instant on (ms epoch, strictly after it) an in-progress claim may be taken over. */
  leaseExpiresAt: number;
  /**
   * The handler's result, once completed (JSON-serialisable). Absent while in
   * progress and when the handler returned `undefined`; `null` is a stored `null`.
   */
  result?: unknown;
  /** Once `now` is past this (ms epoch), the record is dead: a claim replaces it and purging deletes it. */
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
  /** The caller now holds the key (new, or took over an expired lease/record, or already held it). */
  | { status: "acquired"; record: IdempotencyRecord }
  /** Someone else holds an unexpired lease. */
  | { status: "in_progress"; record: IdempotencyRecord }
  /** Already done; `record.result` is the stored result. */
  | { status: "completed"; record: IdempotencyRecord };

/**
 * Atomic claim/complete/release over some storage. Fingerprint comparison,
 * hashing and expiry policy live in the processor, once, not in each store.
 * Every Lunas "do this once" (webhooks, meeting bookings, ...) builds on this
 * one port; nothing else implements a lease.
 *
 * "Expired" is always strictly before `now`: a record with `expiresAt < now`
 * is dead, an in-progress lease with `leaseExpiresAt < now` may be taken over.
 * Every verb that may decide by time receives the caller's `now` (ms epoch);
 * stores never read their own clock.
 *
 * A store with native expiry (Redis `SET key value NX PX ttl`, a DynamoDB TTL
 * attribute) meets these rules by turning the caller's absolute times into
 * relative ones with the `now` it is given: `ttl = expiresAt - now + 1` for a
 * record, so it lives through `expiresAt` itself; an in-progress record may
 * carry `leaseExpiresAt` in its value and be replaced by a claim once
 * `leaseExpiresAt < now`. Native expiry only ever removes a record the rules
 * call dead, so `purgeExpired` may answer 0 on such a store.
 */
export interface IdempotencyStore {
  /**
   * Atomically: when no live record exists (none, or its `expiresAt` passed, or it
   * is in progress with an expired lease), or the live record is `holder`'s own
   * in-progress claim (a retried claim call, or a renewal of the lease), write an
   * in-progress record for `holder` from the request and answer `acquired`.
   * Otherwise answer with the existing record (`in_progress` or `completed`), unchanged.
   */
  claim(request: ClaimRequest): Promise<ClaimOutcome>;
  /**
   * Marks the key completed with `result`, kept until `expiresAt`, only if `holder`
   * still holds it in progress. Resolves `false` when the claim was lost (taken
   * over after the lease ran out, or released); then nothing changes.
   * `result === undefined` stores no result. `now` is the caller's clock, for a
   * store that must turn `expiresAt` into a time-to-live.
   */
  complete(
    key: string,
    holder: string,
    result: unknown,
    expiresAt: number,
    now: number,
  ): Promise<boolean>;
  /**
   * Deletes an in-progress record held by `holder`, so the next delivery can run
   * again. Otherwise a no-op. `now` is the caller's clock, as for `complete`.
   */
  release(key: string, holder: string, now: number): Promise<void>;
  /** Reads a record as stored, live or not (for inspection and tests). */
  get(key: string): Promise<IdempotencyRecord | null>;
  /** Removes records whose `expiresAt` is before `now`, whatever their status; returns how many. */
  purgeExpired(now: number): Promise<number>;
}
