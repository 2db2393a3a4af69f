const encoder = new TextEncoder();

/**
 * Compares a received secret (a webhook's token, a shared secret, a signature)
 * with each configured one without an early exit: every configured secret is
 * compared over its full length whatever the input, so the time taken does not
 * reveal how many leading bytes matched. Web APIs only (no node:crypto), so it
 * runs on Deno, Bun and workers too. Several configured secrets let one rotate
 * without downtime. A missing secret (`null`) never matches.
 */
export function matchesAnySecret(
  received: string | null,
  expected: readonly Uint8Array[],
): boolean {
  const given = encoder.encode(received ?? "");
  let matched = 0;
  for (const secret of expected) {
    // The length difference folds into the same accumulator instead of returning early.
    let diff = secret.length ^ given.length;
    for (let i = 0; i < secret.length; i++) {
      diff |= (secret[i] as number) ^ (given[i] ?? 0);
    }
    matched |= diff === 0 ? 1 : 0;
  }
  return received !== null && matched === 1;
}

/** The configured secrets as bytes, encoded once rather than at every comparison. */
export function encodeSecrets(secrets: readonly string[]): Uint8Array[] {
  return secrets.map((secret) => encoder.encode(secret));
}
