const NUL = "\u0000";

/**
 * Where `value` holds U+0000 (in a string or a property name), or null. Events
 * end up in PostgreSQL text and jsonb columns, which cannot store it, so such an
 * event is refused as malformed instead of failing halfway through a write.
 */
export function nulPath(
  value: unknown,
  path: (string | number)[] = [],
): (string | number)[] | null {
  if (typeof value === "string") return value.includes(NUL) ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulPath(item, [...path, index]);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes(NUL)) return [...path, key];
      const found = nulPath(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

export const NUL_MESSAGE = "contains U+0000, which PostgreSQL cannot store";
