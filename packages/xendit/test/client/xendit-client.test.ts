import { InvalidArgumentError } from "@lunas/core";
import {
  createXenditClient,
  XenditApiError,
  XenditResponseError,
  XenditTimeoutError,
} from "@lunas/xendit";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/load-fixture.js";

const BASE = "https://api.xendit.test";
const SECRET = "xnd_development_s3cr3t";
const AUTH = `Basic ${Buffer.from(`${SECRET}:`).toString("base64")}`;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const client = () => createXenditClient({ secretKey: SECRET, baseUrl: BASE });

describe("payment sessions", () => {
  it("creates a session with Basic auth, idempotency-key and for-user-id, and parses Xendit's documented response", async () => {
    const request = loadFixture("session-create-request");
    const scope = nock(BASE, {
      reqheaders: {
        authorization: AUTH,
        "idempotency-key": "order_12345",
        "for-user-id": "sub-account-1",
      },
    })
      .post(
        "/sessions",
        (body) => body.reference_id === "order_12345_PAY" && body.amount === 150000,
      )
      .reply(201, loadFixture("session-create-response"));

    const session = await createXenditClient({
      secretKey: SECRET,
      baseUrl: BASE,
      forUserId: "sub-account-1",
    }).sessions.create(request as never, { idempotencyKey: "order_12345" });

    expect(scope.isDone()).toBe(true);
    expect(session.payment_session_id).toBe("ps-67527107dda8b2513acdaef0");
    expect(session.status).toBe("ACTIVE");
    expect(session.payment_link_url).toBe("https://dev.xen.to/qZx5RD_7");
  });

  it("gets and cancels a session", async () => {
    const found = loadFixture("session-get-response");
    nock(BASE, { reqheaders: { authorization: AUTH } })
      .get("/sessions/ps-661f87c614802d6c402cd82d")
      .reply(200, found)
      .post("/sessions/ps-661f87c614802d6c402cd82d/cancel")
      .reply(200, { ...found, status: "CANCELED" });

    const session = await client().sessions.get("ps-661f87c614802d6c402cd82d");
    expect(session.allowed_payment_channels).toEqual(["OVO", "DANA"]);
    expect(session.metadata).toBeNull();
    const cancelled = await client().sessions.cancel("ps-661f87c614802d6c402cd82d");
    expect(cancelled.status).toBe("CANCELED");
  });

  it("keeps enum values and fields Xendit adds later", async () => {
    nock(BASE)
      .get("/sessions/ps-1")
      .reply(200, {
        ...loadFixture("session-get-response"),
        payment_session_id: "ps-1",
        status: "PARTIALLY_REFUNDED",
        mode: "SOMETHING_NEW",
        brand_new_field: { nested: true },
      });
    const session = await client().sessions.get("ps-1");
    expect(session.status).toBe("PARTIALLY_REFUNDED");
    expect(session.brand_new_field).toEqual({ nested: true });
  });

  it("turns Xendit's error body into XenditApiError with its error_code and never shows the key", async () => {
    nock(BASE).get("/sessions/ps-missing").reply(404, {
      error_code: "DATA_NOT_FOUND",
      message: "Session not found",
    });
    const error = await client()
      .sessions.get("ps-missing")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XenditApiError);
    expect(error).toMatchObject({ code: "DATA_NOT_FOUND", status: 404 });
    expect(String((error as Error).message)).toContain("Session not found");
    expect(JSON.stringify(error) + String((error as Error).stack)).not.toContain(SECRET);
  });

  it("reports a non-JSON error as HTTP_<status>", async () => {
    nock(BASE).post("/sessions/ps-1/cancel").reply(502, "<html>bad gateway</html>");
    await expect(client().sessions.cancel("ps-1")).rejects.toMatchObject({
      code: "HTTP_502",
      status: 502,
    });
  });

  it("rejects a 2xx body it cannot read with XenditResponseError", async () => {
    nock(BASE).get("/sessions/ps-1").reply(200, { hello: "world" });
    await expect(client().sessions.get("ps-1")).rejects.toBeInstanceOf(XenditResponseError);
  });

  it("times out every call (XenditTimeoutError)", async () => {
    nock(BASE).get("/sessions/ps-slow").delay(500).reply(200, loadFixture("session-get-response"));
    const slow = createXenditClient({ secretKey: SECRET, baseUrl: BASE, timeoutMs: 30 });
    await expect(slow.sessions.get("ps-slow")).rejects.toBeInstanceOf(XenditTimeoutError);
  });

  it("times out a response whose headers arrive but whose body stalls", async () => {
    // ky's own timeout ends when the headers arrive; the body read must be bounded too.
    nock(BASE)
      .get("/sessions/ps-stall")
      .delayBody(600_000)
      .reply(200, loadFixture("session-get-response"));
    const slow = createXenditClient({ secretKey: SECRET, baseUrl: BASE, timeoutMs: 50 });
    // The body never arrives within the test's own timeout, so only the client's timeout can settle this.
    await expect(slow.sessions.get("ps-stall")).rejects.toBeInstanceOf(XenditTimeoutError);
  });

  it("getRetries retries a GET answered 5xx; a 429 answers at once with its code", async () => {
    nock(BASE)
      .get("/sessions/ps-1")
      .reply(503, { error_code: "SERVER_ERROR", message: "try again" }, { "retry-after": "0" })
      .get("/sessions/ps-1")
      .reply(200, loadFixture("session-get-response"));
    const retrying = createXenditClient({ secretKey: SECRET, baseUrl: BASE, getRetries: 2 });
    await expect(retrying.sessions.get("ps-1")).resolves.toMatchObject({ status: "ACTIVE" });

    nock(BASE)
      .get("/sessions/ps-2")
      .reply(
        429,
        { error_code: "RATE_LIMIT_EXCEEDED", message: "slow down" },
        { "retry-after": "3600" },
      );
    // Waiting out the hour-long Retry-After would outlast the test's timeout; a retry would find no
    // second reply and fail with another error. Only answering at once passes.
    await expect(retrying.sessions.get("ps-2")).rejects.toMatchObject({
      code: "RATE_LIMIT_EXCEEDED",
      status: 429,
    });
    expect(nock.isDone()).toBe(true);
  });

  it("refuses bad input with InvalidArgumentError before any request", async () => {
    const scope = nock(BASE).post("/sessions").reply(201, loadFixture("session-create-response"));
    const c = client();
    await expect(
      c.sessions.create({ reference_id: "", amount: -1, currency: "idr", country: "ID" } as never),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      c.sessions.create({
        reference_id: "o-1",
        amount: 1000,
        currency: "IDR",
        country: "ID",
      }),
    ).rejects.toThrow(/customer/);
    await expect(c.sessions.get("../admin")).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(scope.isDone()).toBe(false);
    expect(() => createXenditClient({ secretKey: "" })).toThrow(InvalidArgumentError);
    expect(() => createXenditClient({ secretKey: SECRET, timeoutMs: 0 })).toThrow(
      InvalidArgumentError,
    );
  });

  it("refuses a misspelt option instead of silently dropping it (a lost idempotency key creates twice)", async () => {
    const scope = nock(BASE).post("/sessions").reply(201, loadFixture("session-create-response"));
    const input = {
      reference_id: "o-1",
      amount: 1000,
      currency: "IDR",
      country: "ID",
      customer_id: "cust-1",
    };
    await expect(
      client().sessions.create(input, { idempotencykey: "o-1" } as never),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(scope.isDone()).toBe(false);
    expect(() => createXenditClient({ secretKey: SECRET, timeoutMS: 5_000 } as never)).toThrow(
      InvalidArgumentError,
    );
  });
});

describe("legacy invoices", () => {
  it("creates and gets an invoice", async () => {
    const created = loadFixture("invoice-create-response");
    nock(BASE, { reqheaders: { authorization: AUTH, "idempotency-key": "INV0048" } })
      .post("/v2/invoices", (body) => body.external_id === "INV0048/VIII/2022")
      .reply(200, created);
    nock(BASE, { reqheaders: { authorization: AUTH } })
      .get("/v2/invoices/62f00ac409accd62c85673c4")
      .reply(200, { ...created, status: "PAID" });

    const invoice = await client().invoices.create(
      { external_id: "INV0048/VIII/2022", amount: 8_500_000, description: "Invoice Demo #INV0048" },
      { idempotencyKey: "INV0048" },
    );
    expect(invoice.invoice_url).toContain("62f00ac409accd62c85673c4");
    expect((await client().invoices.get(invoice.id)).status).toBe("PAID");
  });

  it("refuses an invoice without an external_id", async () => {
    await expect(client().invoices.create({ amount: 1 } as never)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
