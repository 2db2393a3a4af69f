import { InvalidArgumentError } from "../errors/lunas-error.js";

/**
 * The `exp` claim (seconds since the epoch) of a JWT, or `undefined` when the
 * token is not a JWT or carries no usable `exp`. The signature is not checked:
 * the provider issued the token, this only reads when it said it would expire.
 * Web APIs only (atob, TextDecoder), so it runs on Deno and workers too.
 */
export function jwtExpiry(token: string): number | undefined {
  if (typeof token !== "string") {
    throw new InvalidArgumentError("Invalid token", ["token: must be a string"]);
  }
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const base64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    const payload: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const exp = (payload as { exp?: unknown } | null)?.exp;
    return typeof exp === "number" && Number.isFinite(exp) && exp > 0 ? exp : undefined;
  } catch {
    return undefined;
  }
}

/**
 * When a freshly fetched token stops being valid (ms epoch): the login's
 * `expiresIn`, else its `expiresAt`, else the JWT's `exp`, else `now + defaultTtlMs`.
 */
export function tokenExpiresAt(
  fetched: { token: string; expiresIn?: number | undefined; expiresAt?: number | undefined },
  now: number,
  defaultTtlMs: number,
): number {
  if (fetched.expiresIn !== undefined) return Math.floor(now + fetched.expiresIn * 1000);
  if (fetched.expiresAt !== undefined) return Math.floor(fetched.expiresAt);
  const exp = jwtExpiry(fetched.token);
  if (exp !== undefined) return Math.floor(exp * 1000);
  return now + defaultTtlMs;
}
