import { HttpApiError, HttpResponseError, HttpTimeoutError } from "@lunas/core";
import { createXenditClient, XenditApiError } from "@lunas/xendit";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const BASE = "https://api.xendit.test";
const SECRET = "xnd_development_s3cr3t";

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe("Xendit's errors on core's HTTP client", () => {
  it("are core's HTTP errors too, with the parsed body, and never show the key", async () => {
    nock(BASE)
      .get("/sessions/ps-1")
      .reply(400, {
        error_code: "API_VALIDATION_ERROR",
        message: `bad request with ${SECRET}`,
        errors: [{ path: "amount" }],
      });
    const error = await createXenditClient({ secretKey: SECRET, baseUrl: BASE })
      .sessions.get("ps-1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XenditApiError);
    expect(error).toBeInstanceOf(HttpApiError);
    expect(error).toMatchObject({
      code: "API_VALIDATION_ERROR",
      providerCode: "API_VALIDATION_ERROR",
      status: 400,
      errors: [{ path: "amount" }],
    });
    expect(`${(error as Error).message} ${JSON.stringify(error)}`).not.toContain(SECRET);
  });

  it("reads an unreadable 2xx as HttpResponseError and a slow one as HttpTimeoutError", async () => {
    nock(BASE).get("/sessions/ps-1").reply(200, "<html>", { "content-type": "text/html" });
    const client = createXenditClient({ secretKey: SECRET, baseUrl: BASE });
    const unreadable = await client.sessions.get("ps-1").catch((e: unknown) => e);
    expect(unreadable).toBeInstanceOf(HttpResponseError);
    expect(unreadable).toMatchObject({ code: "XENDIT_BAD_RESPONSE", reason: "not-json" });

    nock(BASE).get("/sessions/ps-2").delay(2_000).reply(200, {});
    const slow = await client.sessions.get("ps-2", { timeoutMs: 30 }).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(HttpTimeoutError);
    expect(slow).toMatchObject({ code: "XENDIT_TIMEOUT", timeoutMs: 30 });
  });
});
