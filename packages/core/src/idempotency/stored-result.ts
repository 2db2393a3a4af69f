import { IdempotencyResultNotSerializableError } from "./idempotency-errors.js";

const NUL = "\u0000";

/**
 * The stored form of a result: what JSON keeps of it. The first caller gets the
 * same value replays will, so every delivery of a key sees one result. U+0000 is
 * refused here rather than by the SQL stores' `complete`, which would fail after
 * the handler's effect and leave the claim stuck until its lease ends.
 */
export function storedForm(key: string, result: unknown): unknown {
  if (result === undefined) return undefined;
  let json: string | undefined;
  let hasNul = false;
  try {
    json = JSON.stringify(result, (name, value: unknown) => {
      if (name.includes(NUL) || (typeof value === "string" && value.includes(NUL))) hasNul = true;
      return value;
    });
  } catch (error) {
    throw new IdempotencyResultNotSerializableError(key, { cause: error });
  }
  if (json === undefined) throw new IdempotencyResultNotSerializableError(key);
  if (hasNul) throw new IdempotencyResultNotSerializableError(key, { nulCharacter: true });
  return JSON.parse(json);
}
