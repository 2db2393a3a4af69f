import { InvalidArgumentError } from "../errors/lunas-error.js";

const SAFE_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Quotes a schema or table name that came from configuration. Only plain
 * lower-case identifiers are accepted, so a name can never carry SQL.
 */
export function quoteIdentifier(name: string): string {
  if (typeof name !== "string" || !SAFE_IDENTIFIER.test(name)) {
    throw new InvalidArgumentError(
      `Invalid SQL identifier ${JSON.stringify(name)}: use lower-case letters, digits and _ (max 63, not starting with a digit)`,
    );
  }
  return `"${name}"`;
}

/** `"schema"."table"`, both parts checked. */
export function qualifiedName(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}
