import { toStorableJson } from "../input/storable-json.js";
import { IdempotencyResultNotSerializableError } from "./idempotency-errors.js";

/**
 * The stored form of a result: what JSON keeps of it. The first caller gets the
 * same value replays will, so every delivery of a key sees one result. What no
 * store can keep (U+0000 included) is refused here, before the store's
 * `complete`, which would fail after the handler's effect and leave the claim
 * stuck until its lease ends.
 */
export function storedForm(key: string, result: unknown): unknown {
  const json = storedJson(key, result);
  return json === undefined ? undefined : JSON.parse(json);
}

/** The JSON text `storedForm` parses: for a caller that sends the result on as text, one serialisation instead of three. */
export function storedJson(key: string, result: unknown): string | undefined {
  if (result === undefined) return undefined;
  const stored = toStorableJson(result);
  if (stored.ok) return stored.json;
  if (stored.reason === "nul") {
    throw new IdempotencyResultNotSerializableError(key, { nulCharacter: true });
  }
  throw new IdempotencyResultNotSerializableError(key, { cause: stored.cause });
}
