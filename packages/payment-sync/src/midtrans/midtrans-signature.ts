import { encodeSecrets, matchesAnySecret } from "@lunas/core";
/**
 * Midtrans' `signature_key`: SHA-512, hex, of `order_id + status_code +
 * gross_amount + server key`, over the strings exactly as sent (`"10000.00"`
 * must not become `10000`). Web Crypto, so it runs on every runtime.
 */
export async function midtransSignature(
  orderId: string,
  statusCode: string,
  grossAmount: string,
  serverKey: string,
): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-512",
    new TextEncoder().encode(`${orderId}${statusCode}${grossAmount}${serverKey}`),
  );
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** `a === b` in constant time (core's comparison), for signatures and other secrets. */
export function constantTimeEqual(a: string, b: string): boolean {
  return matchesAnySecret(a, encodeSecrets([b]));
}
