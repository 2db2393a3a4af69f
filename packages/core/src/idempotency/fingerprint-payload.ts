import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";
import { InvalidArgumentError } from "../errors/lunas-error.js";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** JSON with every object's keys sorted, so the same data always gives the same text. */
function canonicalJson(payload: unknown): string | undefined {
  return JSON.stringify(payload, (_key, value: unknown) => {
    if (!isPlainObject(value)) return value;
    const sorted: Record<string, unknown> = {};
    for (const name of Object.keys(value).sort()) sorted[name] = value[name];
    return sorted;
  });
}

/**
 * SHA-256 of the payload's canonical JSON (object keys sorted), as hex. Two
 * payloads with the same data in a different key order match. The hash is
 * computed in JavaScript (@noble/hashes), not with Web Crypto: the digest of a
 * webhook-sized payload takes a few µs, while `crypto.subtle.digest` costs
 * tens of µs per call in dispatching the job and resolving its promise. The
 * value is the same SHA-256 hex as before, so stored claims still match.
 * Throws `InvalidArgumentError` for what JSON cannot represent (`undefined`, BigInt, cycles).
 */
export async function fingerprintPayload(payload: unknown): Promise<string> {
  let text: string | undefined;
  try {
    text = canonicalJson(payload);
  } catch (error) {
    throw new InvalidArgumentError(
      "Invalid idempotency payload",
      ["payload: must be JSON-serialisable (no BigInt, no cycles)"],
      { cause: error },
    );
  }
  if (text === undefined) {
    throw new InvalidArgumentError("Invalid idempotency payload", [
      "payload: must be JSON-serialisable (pass null for no payload)",
    ]);
  }
  return bytesToHex(sha256(utf8ToBytes(text)));
}
