import { encodeSecrets, matchesAnySecret } from "@lunas/core";
import type { MiddlewareHandler } from "hono";

/**
 * Bearer authentication for admin, monitoring and reconciliation routes. The
 * key is compared in constant time (core's comparison) so the time taken
 * tells nothing about how much of a guess was right.
 */
export function requireAdminKey(
  keys: readonly string[],
  options: { browser?: boolean } = {},
): MiddlewareHandler {
  const expected = encodeSecrets(keys);
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    if (!matchesAnySecret(presentedKey(header, options.browser === true), expected)) {
      // Browsers prompt for Basic credentials: the dashboard takes the key as the password.
      c.header(
        "www-authenticate",
        options.browser
          ? 'Basic realm="lunas-admin", charset="UTF-8"'
          : 'Bearer realm="lunas-admin"',
      );
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

function presentedKey(header: string, basicAllowed: boolean): string | null {
  const bearer = /^Bearer (.+)$/.exec(header);
  if (bearer) return bearer[1] ?? null;
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
  if (!basicAllowed || !basic?.[1]) return null;
  const decoded = Buffer.from(basic[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : decoded.slice(colon + 1);
}

/**
 * Browsers send Basic credentials with every request, other sites' forms
 * included: a state-changing dashboard request must come from this origin.
 */
export const requireSameOrigin: MiddlewareHandler = async (c, next) => {
  const site = c.req.header("sec-fetch-site");
  const origin = c.req.header("origin");
  // Modern browsers say where a request comes from; older ones send Origin; tools send neither.
  const sameOrigin =
    site !== undefined
      ? site === "same-origin" || site === "none"
      : origin === undefined || new URL(c.req.url).origin === origin;
  if (!sameOrigin) {
    return c.json(
      { error: { code: "CROSS_SITE_REQUEST", message: "Use the dashboard's own buttons" } },
      403,
    );
  }
  await next();
};
