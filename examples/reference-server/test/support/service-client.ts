/** A parsed answer body; the assertions that read it check its shape field by field. */
// biome-ignore lint/suspicious/noExplicitAny: answers are asserted field by field, not typed twice
export type AnswerJson = any;

export const ADMIN_KEY = "test-admin-key-0123456789";

/** Talks to a running service over HTTP, as its callers do. */
export function serviceClient(baseUrl: string) {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json: json as AnswerJson, text };
  };
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };
  return {
    call,
    admin,
    get: (path: string, headers?: Record<string, string>) => call("GET", path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      call("POST", path, body, headers),
    /** Polls GET /orders/:id until `until` holds (fulfilment runs in the background). */
    async waitForOrder(orderId: string, until: (order: AnswerJson) => boolean, timeoutMs = 45_000) {
      const deadline = Date.now() + timeoutMs;
      let last: AnswerJson;
      while (Date.now() < deadline) {
        last = (await call("GET", `/orders/${orderId}`)).json;
        if (until(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      throw new Error(`Order ${orderId} did not reach the expected state: ${JSON.stringify(last)}`);
    },
  };
}
