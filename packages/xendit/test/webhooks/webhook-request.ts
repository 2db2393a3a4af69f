export const TOKEN = "callback-token-current";
export const OLD_TOKEN = "callback-token-previous";

/** A plain Web `Request` as Xendit would send it. */
export function webhookRequest(
  body: unknown,
  options: { token?: string | null; raw?: boolean } = {},
): Request {
  const headers = new Headers({ "content-type": "application/json" });
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers.set("x-callback-token", token);
  return new Request("https://shop.example/webhooks/xendit", {
    method: "POST",
    headers,
    body: options.raw ? (body as string) : JSON.stringify(body),
  });
}
