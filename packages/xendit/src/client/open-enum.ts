import { z } from "zod";

/**
 * An enum that still parses values Xendit adds later: the known values keep
 * their literal types for autocompletion, anything else passes as a string.
 */
export function openEnum<const T extends readonly [string, ...string[]]>(
  values: T,
): z.ZodType<T[number] | (string & {}), T[number] | (string & {})> {
  return z.union([z.enum(values), z.string()]);
}
