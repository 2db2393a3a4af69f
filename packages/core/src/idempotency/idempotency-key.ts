import { InvalidArgumentError } from "../errors/lunas-error.js";
import { includesNul, storableText } from "../input/storable-text.js";

/** Longest accepted key: comfortably above provider event ids, well under index limits. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 512;

/**
 * Throws `InvalidArgumentError` unless `key` is a non-empty string of at most
 * 512 characters without U+0000 (PostgreSQL's text cannot hold it, so memory
 * would accept a key every SQL store fails on with a driver error).
 */
export function checkIdempotencyKey(key: unknown): asserts key is string {
  if (
    typeof key !== "string" ||
    key.length === 0 ||
    key.length > MAX_IDEMPOTENCY_KEY_LENGTH ||
    includesNul(key)
  ) {
    throw new InvalidArgumentError("Invalid idempotency key", [
      `key: must be a non-empty string of at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters, without U+0000`,
    ]);
  }
}

/** What `holderId()` may return: stores keep it in a 256-character text column. */
export const idempotencyHolderSchema = storableText(256);
