export const REDACTED = "[redacted]";

// Headers whose values are credentials whatever they contain.
const CREDENTIAL_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "x-goog-api-key",
]);

// Shorter strings would redact ordinary words ("a", "id") out of every message.
const MIN_SECRET_LENGTH = 4;

/**
 * Replaces every known secret (credentials, tokens, configured strings) in
 * what leaves the client: error messages and bodies, log hooks. Secrets are
 * matched as literal strings, also in their URL-encoded form, because a
 * provider may echo a request back in its error body or a key may travel in
 * a query string.
 */
export class SecretRedactor {
  readonly #secrets: string[];

  constructor(secrets: Iterable<string>) {
    const all = new Set<string>();
    for (const secret of secrets) {
      if (secret.length < MIN_SECRET_LENGTH) continue;
      all.add(secret);
      all.add(encodeURIComponent(secret));
    }
    // Longest first, so a secret that contains another is replaced whole.
    this.#secrets = [...all].sort((a, b) => b.length - a.length);
  }

  /** A redactor that also hides `more` (the token of one request). */
  with(more: Iterable<string>): SecretRedactor {
    return new SecretRedactor([...this.#secrets, ...more]);
  }

  text(value: string): string {
    let out = value;
    for (const secret of this.#secrets) out = out.split(secret).join(REDACTED);
    return out;
  }

  /** A copy of a JSON value with every string redacted; walks without recursion so deep bodies cannot overflow the stack. */
  json(value: unknown): unknown {
    if (typeof value === "string") return this.text(value);
    if (typeof value !== "object" || value === null) return value;
    const root: { value: unknown } = { value: undefined };
    const stack: {
      from: unknown;
      into: Record<string, unknown> | unknown[];
      key: string | number;
    }[] = [{ from: value, into: root as unknown as Record<string, unknown>, key: "value" }];
    while (stack.length > 0) {
      const { from, into, key } = stack.pop() as (typeof stack)[number];
      let copy: unknown;
      if (typeof from === "string") copy = this.text(from);
      else if (Array.isArray(from)) {
        const array: unknown[] = new Array(from.length);
        from.forEach((item, index) => {
          stack.push({ from: item, into: array, key: index });
        });
        copy = array;
      } else if (typeof from === "object" && from !== null) {
        const object: Record<string, unknown> = {};
        for (const [name, item] of Object.entries(from)) {
          stack.push({ from: item, into: object, key: this.text(name) });
        }
        copy = object;
      } else copy = from;
      (into as Record<string | number, unknown>)[key] = copy;
    }
    return root.value;
  }

  headers(headers: Headers | Record<string, string>): Record<string, string> {
    const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
    return Object.fromEntries(
      entries.map(([name, value]) => [
        name.toLowerCase(),
        CREDENTIAL_HEADERS.has(name.toLowerCase()) ? REDACTED : this.text(value),
      ]),
    );
  }
}
