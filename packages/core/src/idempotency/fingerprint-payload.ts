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
 * SHA-256 (Web Crypto) of the payload's canonical JSON (object keys sorted), as
 * hex. Two payloads with the same data in a different key order match.
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
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
