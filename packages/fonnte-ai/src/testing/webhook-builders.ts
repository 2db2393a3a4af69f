import type { FonnteWebhookPayload } from "../webhook/fonnte-webhook.js";

let counter = 0;

/** A Fonnte webhook body for an incoming text, as a device with inbox enabled posts it. */
export function buildFonnteWebhook(
  input: { sender: string; message: string } & Partial<FonnteWebhookPayload>,
): FonnteWebhookPayload {
  counter++;
  return {
    device: "6281100000000",
    name: "Pengguna",
    member: "",
    inboxid: `inbox-${Date.now().toString(36)}-${counter}`,
    timestamp: String(Math.floor(Date.now() / 1000)),
    location: "",
    url: "",
    filename: "",
    extension: "",
    ...input,
  };
}

/** A `Request` as Fonnte sends it to a webhook URL carrying `?secret=`. */
export function fonnteWebhookRequest(
  payload: unknown,
  options: { secret?: string; url?: string; headers?: Record<string, string> } = {},
): Request {
  const url = new URL(options.url ?? "http://localhost/webhooks/fonnte");
  if (options.secret !== undefined) url.searchParams.set("secret", options.secret);
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...options.headers },
    body: JSON.stringify(payload),
  });
}
