import { encodeSecrets, matchesAnySecret } from "@lunas/core";
import type { MiddlewareHandler } from "hono";

/**
 * Bearer authentication for admin, monitoring and reconciliation routes. The
 * key is compared in constant time (core's comparison) so the time taken
 * tells nothing about how much of a guess was right.
 */
export function requireAdminKey(keys: readonly string[]): MiddlewareHandler {
  const expected = encodeSecrets(keys);
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer (.+)$/.exec(header);
    if (!matchesAnySecret(match?.[1] ?? null, expected)) {
      c.header("www-authenticate", 'Bearer realm="lunas-admin"');
      return c.json(
        {
          error: {
            code: "UNAUTHORIZED",
            message: "Send the admin API key as `Authorization: Bearer <key>`",
          },
        },
        401,
      );
    }
    await next();
  };
}
