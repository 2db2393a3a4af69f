import { createXenditClient } from "@lunas/xendit";
import { FakeXenditServer } from "@lunas/xendit/testing";
import { describe, expect, it } from "vitest";

const customer = { customer_id: "cust-1", country: "ID" } as const;

describe("FakeXenditServer.create: the fake as a Web handler, no port", () => {
  it("serves the real client through its fetch option, with Basic auth and idempotency keys", async () => {
    const fake = FakeXenditServer.create();
    const client = createXenditClient({
      secretKey: fake.secretKey,
      baseUrl: fake.url,
      fetch: fake.fetch,
    });
    const input = { reference_id: "order-1", amount: 150_000, currency: "IDR", ...customer };
    const first = await client.sessions.create(input, { idempotencyKey: "order-1" });
    const again = await client.sessions.create(input, { idempotencyKey: "order-1" });
    expect(again.payment_session_id).toBe(first.payment_session_id);
    expect(first.payment_link_url).toBe(`${fake.url}/checkout/${first.payment_session_id}`);
    expect((await client.sessions.get(first.payment_session_id)).status).toBe("ACTIVE");
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /sessions",
      "POST /sessions",
      `GET /sessions/${first.payment_session_id}`,
    ]);
    await fake.close();
  });

  it("answers a wrong key 401 and an unknown path 404, as a Response", async () => {
    const fake = FakeXenditServer.create({ url: "https://xendit.example" });
    const unauthorised = await fake.handle(new Request("https://xendit.example/sessions/x"));
    expect(unauthorised.status).toBe(401);
    expect(await unauthorised.json()).toMatchObject({ error_code: "INVALID_API_KEY" });
    const missing = await fake.fetch("https://xendit.example/nowhere", {
      headers: { authorization: `Basic ${btoa(`${fake.secretKey}:`)}` },
    });
    expect(missing.status).toBe(404);
  });
});
