import type { z } from "zod";
import { InvalidArgumentError } from "./lunas-error.js";

/**
 * Validates a public function's input with its zod schema and turns a failure
 * into an `InvalidArgumentError` naming each bad field, so every entry point
 * rejects bad input the same way before touching any store.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join(".") : "(root)";
    return `${path}: ${issue.message}`;
  });
  throw new InvalidArgumentError(`Invalid ${what}`, issues);
}
