import type {
  ClaimOutcome,
  ClaimRequest,
  IdempotencyRecord,
  IdempotencyStore,
} from "./idempotency-store.js";

/** Copies through JSON, as a database would: later changes to the caller's object never reach the store. */
function copyResult(result: unknown): unknown {
  return result === undefined ? undefined : JSON.parse(JSON.stringify(result));
}

function copyRecord(record: IdempotencyRecord): IdempotencyRecord {
  const { result, ...rest } = record;
  return result === undefined ? { ...rest } : { ...rest, result: copyResult(result) };
}

/**
 * An `IdempotencyStore` in this process's memory: for tests and single-instance
 * setups. Each verb reads and writes without awaiting in between, so concurrent
 * calls in one process cannot interleave inside a claim.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #records = new Map<string, IdempotencyRecord>();

  async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    const existing = this.#records.get(request.key);
    const replaceable =
      existing === undefined ||
      existing.expiresAt < request.now ||
      (existing.status === "in_progress" &&
        (existing.leaseExpiresAt < request.now || existing.holder === request.holder));
    if (!replaceable) {
      return { status: existing.status, record: copyRecord(existing) };
    }
    const record: IdempotencyRecord = {
      key: request.key,
      fingerprint: request.fingerprint,
      status: "in_progress",
      holder: request.holder,
      leaseExpiresAt: request.leaseExpiresAt,
      expiresAt: request.expiresAt,
    };
    this.#records.set(request.key, record);
    return { status: "acquired", record: copyRecord(record) };
  }

  async complete(
    key: string,
    holder: string,
    result: unknown,
    expiresAt: number,
    // Decided by holder and status alone: the caller\'s clock is not needed here.
    _now?: number,
  ): Promise<boolean> {
    const existing = this.#records.get(key);
    if (existing?.status !== "in_progress" || existing.holder !== holder) return false;
    const completed: IdempotencyRecord = { ...existing, status: "completed", expiresAt };
    if (result !== undefined) completed.result = copyResult(result);
    this.#records.set(key, completed);
    return true;
  }

  async release(key: string, holder: string, _now?: number): Promise<void> {
    const existing = this.#records.get(key);
    if (existing?.status === "in_progress" && existing.holder === holder) {
      this.#records.delete(key);
    }
  }

  async get(key: string): Promise<IdempotencyRecord | null> {
    const existing = this.#records.get(key);
    return existing === undefined ? null : copyRecord(existing);
  }

  async purgeExpired(now: number): Promise<number> {
    let purged = 0;
    for (const [key, record] of this.#records) {
      if (record.expiresAt < now) {
        this.#records.delete(key);
        purged += 1;
      }
    }
    return purged;
  }
}
