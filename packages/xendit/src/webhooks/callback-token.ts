const encoder = new TextEncoder();

/**
 * Compares a received token with each configured one without an early exit:
 * every configured token is compared over its full length whatever the input,
 * so the time taken does not reveal how many leading bytes matched (Web APIs
 * only, no node:crypto, so this runs on Deno, Bun and workers too).
 */
export function matchesAnyToken(received: string | null, expected: readonly Uint8Array[]): boolean {
  // Stryker disable next-line StringLiteral: a missing header never matches (received !== null below), whatever is compared
  const given = encoder.encode(received ?? "");
  let matched = 0;
  for (const token of expected) {
    // Length difference folds into the same accumulator instead of returning early.
    let diff = token.length ^ given.length;
    // Stryker disable next-line EqualityOperator: the extra step ORs in given[i] only when given is longer, already caught by the length XOR
    for (let i = 0; i < token.length; i++) {
      diff |= (token[i] as number) ^ (given[i] ?? 0);
    }
    matched |= diff === 0 ? 1 : 0;
  }
  return received !== null && matched === 1;
}

export function encodeTokens(tokens: readonly string[]): Uint8Array[] {
  return tokens.map((token) => encoder.encode(token));
}

/** The header Xendit sends the account's callback verification token in. */
export const CALLBACK_TOKEN_HEADER = "x-callback-token";
