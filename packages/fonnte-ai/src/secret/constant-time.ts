const encoder = new TextEncoder();

/**
 * Compares a received secret with each configured one without an early exit,
 * so the time taken does not reveal how many leading bytes matched (Web APIs
 * only). Several configured secrets let one rotate without downtime.
 */
export function matchesAnySecret(
  received: string | null,
  expected: readonly Uint8Array[],
): boolean {
  const given = encoder.encode(received ?? "");
  let matched = 0;
  for (const secret of expected) {
    let diff = secret.length ^ given.length;
    for (let i = 0; i < secret.length; i++) {
      diff |= (secret[i] as number) ^ (given[i] ?? 0);
    }
    matched |= diff === 0 ? 1 : 0;
  }
  return received !== null && matched === 1;
}

export const encodeSecrets = (secrets: readonly string[]) =>
  secrets.map((secret) => encoder.encode(secret));
