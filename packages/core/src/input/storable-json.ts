import { includesNul } from "./storable-text.js";

export type StorableJson =
  | { ok: true; json: string }
  /** `not_json`: BigInt, a cycle, or a value JSON drops entirely (undefined, a function). */
  | { ok: false; reason: "not_json" | "nul"; cause?: unknown };

/**
 * The JSON text a store would keep for `value`, or why no store can keep it:
 * what JSON cannot carry, or U+0000 in a string or property name (PostgreSQL's
 * jsonb refuses it). Job data and idempotency results both go through here.
 */
export function toStorableJson(value: unknown): StorableJson {
  let json: string | undefined;
  let hasNul = false;
  try {
    json = JSON.stringify(value, (name, item: unknown) => {
      if (includesNul(name) || (typeof item === "string" && includesNul(item))) hasNul = true;
      return item;
    });
  } catch (cause) {
    return { ok: false, reason: "not_json", cause };
  }
  if (json === undefined) return { ok: false, reason: "not_json" };
  if (hasNul) return { ok: false, reason: "nul" };
  return { ok: true, json };
}
