import { z } from "zod";

// PostgreSQL's text and jsonb cannot hold U+0000. It is refused once, where a
// caller's value enters Lunas, so the memory adapters never accept what every
// SQL store would fail on with a driver error.
const NUL = "\u0000";
const NUL_ISSUE = "must not contain U+0000";

export function includesNul(text: string): boolean {
  return text.includes(NUL);
}

/** A non-empty string, at most `max` characters when given, that every store can keep. */
export function storableText(max?: number): z.ZodString {
  const text = max === undefined ? z.string().min(1) : z.string().min(1).max(max);
  return text.refine((value) => !includesNul(value), NUL_ISSUE);
}
