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

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

async function webCryptoSha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  let hex = "";
  for (const byte of digest) hex += HEX[byte];
  return hex;
}

type NodeCryptoLike = {
  createHash(algorithm: "sha256"): {
    update(text: string, encoding: "utf8"): { digest(encoding: "hex"): string };
  };
};
type RuntimeGlobals = { process?: { getBuiltinModule?: (id: string) => unknown } };

/**
 * The hex SHA-256 of a text's UTF-8 bytes, the fastest way `runtime` offers:
 * where `process.getBuiltinModule` exists (Node 20.16+, Bun, Deno) its
 * `node:crypto` hashes synchronously, skipping Web Crypto's hop to a worker
 * thread, which cost about half of a webhook's client-side CPU; elsewhere
 * (workers, browsers) Web Crypto. Both encode lone surrogates as U+FFFD, so
 * they give the same digest. Looked up at run time, not imported, so the
 * main entry still loads where no Node built-in exists.
 */
export function sha256HexFor(runtime: RuntimeGlobals): (text: string) => string | Promise<string> {
  const process = runtime.process;
  if (typeof process?.getBuiltinModule !== "function") return webCryptoSha256Hex;
  let nodeCrypto: NodeCryptoLike | undefined;
  try {
    nodeCrypto = process.getBuiltinModule("node:crypto") as NodeCryptoLike | undefined;
  } catch {
    return webCryptoSha256Hex;
  }
  if (typeof nodeCrypto?.createHash !== "function") return webCryptoSha256Hex;
  const { createHash } = nodeCrypto;
  return (text) => createHash("sha256").update(text, "utf8").digest("hex");
}

const sha256Hex = sha256HexFor(globalThis as RuntimeGlobals);

/**
 * SHA-256 of the payload's canonical JSON (object keys sorted), as hex. Two
 * payloads with the same data in a different key order match.
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
  return sha256Hex(text);
}
