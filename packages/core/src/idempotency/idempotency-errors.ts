import { LunasError } from "../errors/lunas-error.js";

/**
 * Another delivery of the same key is running and its lease has not run out.
 * Answer 409 and let the provider retry after `retryAfterSeconds`.
 */
export class IdempotencyInProgressError extends LunasError {
  /** Seconds until the other holder's lease ends (at least 1). */
  readonly retryAfterSeconds: number;
  /** When the other holder's lease ends (ms epoch), for callers that wait on it to the millisecond. */
  readonly leaseExpiresAt: number | undefined;

  constructor(key: string, retryAfterSeconds: number, leaseExpiresAt?: number) {
    super(
      "IDEMPOTENCY_IN_PROGRESS",
      `Key ${JSON.stringify(key)} is being processed by another delivery; retry in ${retryAfterSeconds} s`,
    );
    this.retryAfterSeconds = retryAfterSeconds;
    this.leaseExpiresAt = leaseExpiresAt;
  }
}

/** The key was already used with a different payload: a client bug or a key collision, never retried into success. */
export class IdempotencyPayloadMismatchError extends LunasError {
  constructor(key: string) {
    super(
      "IDEMPOTENCY_PAYLOAD_MISMATCH",
      `Key ${JSON.stringify(key)} was already used with a different payload; use a new key for a new payload`,
    );
  }
}

/**
 * The handler finished after its lease ran out and another delivery took the
 * key over; this run's result was not stored (the other run's will be).
 * Raise `leaseMs` above the handler's longest run.
 */
export class IdempotencyLeaseLostError extends LunasError {
  constructor(key: string) {
    super(
      "IDEMPOTENCY_LEASE_LOST",
      `The handler for key ${JSON.stringify(key)} outlived its lease and another delivery took over; its result was not stored. Raise leaseMs above the handler's longest run`,
    );
  }
}

/**
 * The handler returned something no store can keep: a value JSON cannot carry
 * (a BigInt, a function, a cycle), or a string with U+0000, which PostgreSQL's
 * `jsonb` refuses. Refused for every store, so a result that works on memory
 * in tests does not jam a claim on PostgreSQL in production.
 */
export class IdempotencyResultNotSerializableError extends LunasError {
  constructor(key: string, options?: { cause?: unknown; nulCharacter?: boolean }) {
    super(
      "IDEMPOTENCY_RESULT_NOT_SERIALIZABLE",
      options?.nulCharacter
        ? `The handler for key ${JSON.stringify(key)} returned a string (or property name) containing U+0000, which PostgreSQL's jsonb cannot store; strip or encode it before returning`
        : `The handler for key ${JSON.stringify(key)} returned a value JSON cannot represent; return plain data (objects, arrays, strings, numbers, booleans, null)`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
  }
}
