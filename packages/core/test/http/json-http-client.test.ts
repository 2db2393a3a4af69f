import {
  createJsonHttpClient,
  createTokenProvider,
  HttpApiError,
  type HttpClientError,
  HttpNetworkError,
  type HttpRequestEvent,
  HttpResponseError,
  type HttpResponseEvent,
  HttpTimeoutError,
  InvalidArgumentError,
  type JsonHttpClientOptions,
  MemoryTokenStore,
} from "@lunas/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { manualTime } from "./manual-time.js";
import {
  after,
  drop,
  dropMidBody,
  hang,
  json,
  type Script,
  ScriptedHttpServer,
  stallMidBody,
  text,
} from "./scripted-http-server.js";

let server: ScriptedHttpServer;
afterEach(async () => {
  await server?.close();
});

const TIMEOUT = 5_000;

async function setUp(scripts: Script[], overrides: Partial<JsonHttpClientOptions> = {}) {
  server = await ScriptedHttpServer.start(...scripts);
  const time = manualTime();
  const client = createJsonHttpClient({
    service: "Acme",
    baseUrl: `${server.url}/v1`,
    timeoutMs: TIMEOUT,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    ...overrides,
  });
  return { client, time };
}

describe("requests and answers", () => {
  it("resolves the path against the base URL, sends query, JSON and headers, and checks the data's shape", async () => {
    const { client } = await setUp([json(200, { id: "a-1", extra: true })]);
    const data = await client.request({
      method: "POST",
      path: "items",
      searchParams: { page: 2, active: true },
      json: { name: "x" },
      headers: { "x-trace": "t-1" },
      schema: z.object({ id: z.string() }),
    });
    expect(data).toEqual({ id: "a-1" });
    const [received] = server.requests;
    expect(received).toMatchObject({ method: "POST", url: "/v1/items?page=2&active=true" });
    expect(JSON.parse(received?.body ?? "")).toEqual({ name: "x" });
    expect(received?.headers).toMatchObject({
      accept: "application/json",
      "content-type": "application/json",
      "x-trace": "t-1",
    });
  });

  it("sends a form body urlencoded", async () => {
    const { client } = await setUp([json(200, { ok: true })]);
    await client.request({ method: "POST", path: "send", form: { target: "0812", message: "hi" } });
    expect(server.requests[0]?.body).toBe("target=0812&message=hi");
    expect(server.requests[0]?.headers["content-type"]).toContain(
      "application/x-www-form-urlencoded",
    );
  });

  it("answers a 4xx with HttpApiError carrying status, the provider's code and message, and the body", async () => {
    const { client } = await setUp(
      [json(404, { error_code: "NOT_FOUND", message: "no such item" })],
      {
        parseAnswer: (answer) => {
          if (answer.status < 300) return { data: answer.body };
          const body = answer.body as { error_code?: string; message?: string };
          return {
            failure: {
              ...(body.error_code ? { providerCode: body.error_code } : {}),
              ...(body.message ? { message: body.message } : {}),
            },
          };
        },
      },
    );
    const error = await client.request({ method: "GET", path: "items/9" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpApiError);
    expect(error).toMatchObject({
      code: "HTTP_404",
      status: 404,
      providerCode: "NOT_FOUND",
      providerMessage: "no such item",
      body: { error_code: "NOT_FOUND", message: "no such item" },
    });
    expect((error as Error).message).toBe(
      "Acme GET /items/9 failed with HTTP 404 (NOT_FOUND): no such item",
    );
    expect(server.requests).toHaveLength(1);
  });

  it("reads an error status without a JSON body by its status alone", async () => {
    const { client } = await setUp([text(502, "<html>bad gateway</html>")]);
    await expect(client.request({ method: "POST", path: "x" })).rejects.toMatchObject({
      code: "HTTP_502",
      status: 502,
      body: undefined,
    });
  });

  it("refuses a 2xx that is not JSON, or not the expected shape, with HttpResponseError naming fields only", async () => {
    const { client } = await setUp([text(200, "<html>ok</html>"), json(200, { id: 42 })]);
    await expect(client.request({ method: "GET", path: "a", retry: false })).rejects.toMatchObject({
      code: "HTTP_BAD_RESPONSE",
      reason: "not-json",
      status: 200,
    });
    const error = await client
      .request({ method: "GET", path: "a", schema: z.object({ id: z.string() }) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpResponseError);
    expect(error).toMatchObject({ reason: "unexpected-shape", issues: [{ path: "id" }] });
    expect((error as Error).message).not.toContain("42");
  });

  it("lets an envelope hook unwrap data and turn an HTTP 200 failure into a retryable API error", async () => {
    const fonnteLike: JsonHttpClientOptions["parseAnswer"] = (answer) => {
      const body = answer.body as { status?: boolean; reason?: string; detail?: unknown };
      if (answer.status === 200 && body.status === true) return { data: body.detail };
      return {
        failure: {
          ...(body.reason ? { providerCode: body.reason } : {}),
          retryable: body.reason === "server busy",
        },
      };
    };
    const { client, time } = await setUp(
      [
        json(200, { status: false, reason: "server busy" }),
        json(200, { status: true, detail: { id: "m-1" } }),
      ],
      { parseAnswer: fonnteLike },
    );
    const sent = client.request({ method: "POST", path: "send", idempotencyKey: "k-1" });
    await time.requested(150);
    time.clock.advance(150);
    expect(await sent).toEqual({ id: "m-1" });

    server.play(json(200, { status: false, reason: "token invalid" }));
    await expect(
      client.request({ method: "POST", path: "send", idempotencyKey: "k-2" }),
    ).rejects.toMatchObject({ status: 200, providerCode: "token invalid" });
    expect(server.requests).toHaveLength(3);
  });

  it("turns its errors into the provider's subclasses through mapError", async () => {
    class AcmeApiError extends HttpApiError {}
    const seen: HttpClientError[] = [];
    const { client } = await setUp([json(409, { message: "taken" })], {
      mapError: (error, request) => {
        seen.push(error);
        return error instanceof HttpApiError
          ? new AcmeApiError(error.status, `${request.what}: conflict`, { code: "ACME_CONFLICT" })
          : error;
      },
    });
    const error = await client
      .request({ method: "PUT", path: "names/a", what: "Claim a name" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AcmeApiError);
    expect(error).toBeInstanceOf(HttpApiError);
    expect(error).toMatchObject({
      code: "ACME_CONFLICT",
      status: 409,
      message: "Claim a name: conflict",
    });
    expect(seen).toHaveLength(1);
  });
});

describe("timeouts cover the whole answer", () => {
  // The attempt's timer is a real one (not the injected sleep); these tests fake
  // only setTimeout, so they still move time by hand instead of waiting.
  const fakeTimers = () => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("times out a server that never answers, exactly at timeoutMs, and closes the connection", async () => {
    const { client } = await setUp([hang]);
    fakeTimers();
    let settled = false;
    const call = client.request({ method: "POST", path: "slow" }).catch((e: unknown) => e);
    void call.finally(() => {
      settled = true;
    });
    await server.arrived(1);
    await vi.advanceTimersByTimeAsync(TIMEOUT - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await call;
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect(error).toMatchObject({ code: "HTTP_TIMEOUT", timeoutMs: TIMEOUT });
  });

  it("waits for an answer that comes late but within the timeout", async () => {
    const { client } = await setUp([after(50, json(200, { late: true }))]);
    await expect(client.request({ method: "GET", path: "late" })).resolves.toEqual({ late: true });
  });

  /** The real fetch, telling the test when the client starts reading the body (so the clock moves during it). */
  function observedFetch() {
    let reading: () => void = () => {};
    const bodyRead = new Promise<void>((resolve) => {
      reading = resolve;
    });
    const observed = (async (input: Request | URL | string, init?: RequestInit) => {
      const response = await fetch(input, init);
      const text = response.text.bind(response);
      response.text = () => {
        reading();
        return text();
      };
      return response;
    }) as typeof fetch;
    return { fetch: observed, bodyRead };
  }

  it("times out a body that stalls after the headers, and cuts the connection", async () => {
    const observed = observedFetch();
    const { client } = await setUp([stallMidBody()], { fetch: observed.fetch });
    fakeTimers();
    const call = client.request({ method: "GET", path: "stall" }).catch((e: unknown) => e);
    await observed.bodyRead;
    await vi.advanceTimersByTimeAsync(TIMEOUT - 1);
    expect(server.cutShort).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(await call).toMatchObject({ code: "HTTP_TIMEOUT", timeoutMs: TIMEOUT });
    await server.cut(1);
    expect(server.requests).toHaveLength(1);
  });

  it("reports an error status whose body stalls by its status, not as a timeout", async () => {
    const observed = observedFetch();
    const { client } = await setUp([stallMidBody(503)], { fetch: observed.fetch });
    fakeTimers();
    const call = client.request({ method: "POST", path: "x" }).catch((e: unknown) => e);
    await observed.bodyRead;
    await vi.advanceTimersByTimeAsync(TIMEOUT);
    expect(await call).toMatchObject({ code: "HTTP_503", status: 503 });
  });

  it("bounds the whole call, retries included, by deadlineMs", async () => {
    const { client } = await setUp([hang], { deadlineMs: 3_000 });
    fakeTimers();
    const call = client.request({ method: "GET", path: "x" }).catch((e: unknown) => e);
    await server.arrived(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await call).toMatchObject({ code: "HTTP_TIMEOUT", timeoutMs: 3_000 });
  });

  it("times out on its own timer when the injected sleep is a no-op or never wakes", async () => {
    const sleeps = [async () => {}, () => new Promise<void>(() => {})];
    for (const sleep of sleeps) {
      const { client } = await setUp([hang], { sleep, timeoutMs: 200 });
      const error = await client.request({ method: "GET", path: "x" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpTimeoutError);
      expect(error).toMatchObject({ code: "HTTP_TIMEOUT", timeoutMs: 200 });
      await server.close();
    }
  });

  it("keeps a caller's abort an abort", async () => {
    const { client } = await setUp([hang]);
    const controller = new AbortController();
    const call = client
      .request({ method: "GET", path: "x", signal: controller.signal })
      .catch((e: unknown) => e);
    await server.arrived(1);
    controller.abort(new Error("caller gave up"));
    expect(await call).toMatchObject({ message: "caller gave up" });
  });
});

describe("dropped connections", () => {
  it("reports a connection closed before the answer as HttpNetworkError, without retrying a POST", async () => {
    const { client } = await setUp([drop]);
    const error = await client.request({ method: "POST", path: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpNetworkError);
    expect(error).toMatchObject({ code: "HTTP_NETWORK_ERROR" });
    expect(server.requests).toHaveLength(1);
  });

  it("retries a GET whose connection dropped mid-body, then succeeds", async () => {
    const { client, time } = await setUp([dropMidBody, json(200, { ok: true })]);
    const call = client.request({ method: "GET", path: "x" });
    await time.requested(150);
    time.clock.advance(150);
    expect(await call).toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
  });

  it("reports an unreachable host as HttpNetworkError after its retries", async () => {
    const { time } = await setUp([json(200, {})]);
    const url = server.url;
    await server.close();
    const offline = createJsonHttpClient({
      service: "Acme",
      baseUrl: url,
      clock: time.clock,
      sleep: time.sleep,
      random: () => 0,
    });
    await expect(offline.request({ method: "GET", path: "x" })).rejects.toBeInstanceOf(
      HttpNetworkError,
    );
    expect(time.waits.filter((ms) => ms === 0)).toHaveLength(2);
  });
});

describe("retries", () => {
  it("retries a GET on a named status with full-jitter backoff, doubling and bounded", async () => {
    const { client, time } = await setUp([json(503, {}), json(500, {}), json(200, { ok: true })], {
      retry: { baseDelayMs: 1_000, maxDelayMs: 1_500 },
    });
    const call = client.request({ method: "GET", path: "x" });
    await time.requested(500);
    time.clock.advance(500);
    // 0.5 × min(1 500, 2 000)
    await time.requested(750);
    time.clock.advance(750);
    expect(await call).toEqual({ ok: true });
    expect(server.requests).toHaveLength(3);
  });

  it("gives up after the limit with the last error", async () => {
    const { client, time } = await setUp([json(503, {})], { retry: { limit: 1 } });
    const call = client.request({ method: "GET", path: "x" }).catch((e: unknown) => e);
    await time.requested(150);
    time.clock.advance(150);
    expect(await call).toMatchObject({ code: "HTTP_503" });
    expect(server.requests).toHaveLength(2);
  });

  it("never repeats a POST without an idempotency key; repeats it with one, sending the key", async () => {
    const { client, time } = await setUp([json(503, {})], { retry: { limit: 1 } });
    await expect(client.request({ method: "POST", path: "x" })).rejects.toMatchObject({
      status: 503,
    });
    expect(server.requests).toHaveLength(1);
    const keyed = client
      .request({ method: "POST", path: "x", idempotencyKey: "order-1" })
      .catch((e: unknown) => e);
    await time.requested(150);
    time.clock.advance(150);
    await keyed;
    expect(server.requests).toHaveLength(3);
    expect(server.requests.slice(1).map((r) => r.headers["idempotency-key"])).toEqual([
      "order-1",
      "order-1",
    ]);
  });

  it("repeats a request marked safeToRepeat (a login) and not one with retry: false", async () => {
    const { client, time } = await setUp([json(502, {}), json(200, { token: "t" })]);
    const login = client.request({ method: "POST", path: "login", safeToRepeat: true });
    await time.requested(150);
    time.clock.advance(150);
    expect(await login).toEqual({ token: "t" });
    server.play(json(503, {}));
    await expect(client.request({ method: "GET", path: "x", retry: false })).rejects.toMatchObject({
      status: 503,
    });
    expect(server.requests).toHaveLength(3);
  });

  it("does not retry a status it was not told to", async () => {
    const { client } = await setUp([json(400, {})]);
    await expect(client.request({ method: "GET", path: "x" })).rejects.toMatchObject({
      status: 400,
    });
    expect(server.requests).toHaveLength(1);
  });

  it("waits as long as Retry-After says, in seconds", async () => {
    const { client, time } = await setUp([
      json(429, {}, { "retry-after": "2" }),
      json(200, { ok: true }),
    ]);
    const call = client.request({ method: "GET", path: "x" });
    await time.requested(2_000);
    time.clock.advance(1_999);
    await Promise.resolve();
    expect(server.requests).toHaveLength(1);
    time.clock.advance(1);
    expect(await call).toEqual({ ok: true });
  });

  it("waits as long as Retry-After says, as an HTTP-date", async () => {
    server = await ScriptedHttpServer.start();
    const time = manualTime();
    const at = new Date(time.clock.now() + 3_000).toUTCString();
    server.play(json(503, {}, { "retry-after": at }), json(200, { ok: true }));
    const client = createJsonHttpClient({
      service: "Acme",
      baseUrl: server.url,
      clock: time.clock,
      sleep: time.sleep,
    });
    const call = client.request({ method: "GET", path: "x" });
    await time.requested(3_000);
    time.clock.advance(3_000);
    expect(await call).toEqual({ ok: true });
  });

  it("does not wait for a Retry-After beyond maxDelayMs or the deadline: the error carries it", async () => {
    const { client } = await setUp([json(429, {}, { "retry-after": "3600" })]);
    await expect(client.request({ method: "GET", path: "x" })).rejects.toMatchObject({
      status: 429,
      retryAfterMs: 3_600_000,
    });
    expect(server.requests).toHaveLength(1);

    server.play(json(503, {}, { "retry-after": "2" }));
    await expect(
      client.request({ method: "GET", path: "y", deadlineMs: 1_000 }),
    ).rejects.toMatchObject({ status: 503, retryAfterMs: 2_000 });
    expect(server.requests).toHaveLength(2);
  });
});

describe("credentials", () => {
  const SECRET = "sk_live_Very-Secret-Key";

  it("sends Basic, Bearer and custom-header credentials, and none when a request says auth: false", async () => {
    server = await ScriptedHttpServer.start(json(200, {}));
    const make = (auth: JsonHttpClientOptions["auth"]) =>
      createJsonHttpClient({ service: "Acme", baseUrl: server.url, ...(auth ? { auth } : {}) });
    await make({ type: "basic", username: SECRET }).request({ method: "GET", path: "a" });
    await make({ type: "bearer", token: SECRET }).request({ method: "GET", path: "b" });
    await make({ type: "header", name: "x-goog-api-key", value: SECRET }).request({
      method: "GET",
      path: "c",
    });
    await make({ type: "bearer", token: SECRET }).request({
      method: "GET",
      path: "d",
      auth: false,
    });
    expect(
      server.requests.map((r) => r.headers.authorization ?? r.headers["x-goog-api-key"]),
    ).toEqual([`Basic ${btoa(`${SECRET}:`)}`, `Bearer ${SECRET}`, SECRET, undefined]);
  });

  it("redacts credentials and configured secrets from errors and log hooks, also when the provider echoes them", async () => {
    const echo: Script = (request, res) => {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          message: `bad key ${request.headers.authorization} for ${request.body}`,
          [SECRET]: [request.url],
        }),
      );
    };
    const requests: HttpRequestEvent[] = [];
    const responses: HttpResponseEvent[] = [];
    const { client } = await setUp([echo], {
      auth: { type: "bearer", token: SECRET },
      secrets: ["hunter2-password"],
      parseAnswer: (answer) =>
        answer.status < 300
          ? { data: answer.body }
          : { failure: { message: (answer.body as { message: string }).message } },
      onRequest: (event) => requests.push(event),
      onResponse: (event) => responses.push(event),
    });
    const error = (await client
      .request({
        method: "POST",
        path: "login",
        searchParams: { key: SECRET },
        json: { password: "hunter2-password" },
      })
      .catch((e: unknown) => e)) as HttpApiError;
    expect(error).toBeInstanceOf(HttpApiError);
    const everything = [
      error.message,
      error.stack,
      JSON.stringify(error),
      JSON.stringify(error.body),
      JSON.stringify(requests),
      JSON.stringify(responses),
    ].join("\n");
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(encodeURIComponent(SECRET));
    expect(everything).not.toContain("hunter2-password");
    expect(error.message).toContain("[redacted]");
    expect(requests[0]?.headers.authorization).toBe("[redacted]");
    expect(requests[0]?.url).toContain("key=[redacted]");
    expect(responses[0]).toMatchObject({ status: 400, errorCode: "HTTP_400", attempt: 1 });
  });

  it("keeps a network error's cause to names and messages, without the request", async () => {
    const { client } = await setUp([drop], { auth: { type: "bearer", token: SECRET } });
    const error = (await client
      .request({ method: "POST", path: "x" })
      .catch((e: unknown) => e)) as HttpNetworkError;
    expect(error).toBeInstanceOf(HttpNetworkError);
    expect(error.cause).toMatchObject({ name: expect.any(String), message: expect.any(String) });
    expect(JSON.stringify(error.cause)).not.toContain(SECRET);
  });

  describe("from a token provider", () => {
    function tokenServer(valid: Set<string>): Script {
      return (request, res) => {
        const token = request.headers.authorization?.replace(/^Bearer /, "") ?? "";
        if (valid.has(token)) json(200, { ok: true })(request, res);
        else json(401, { message: `token ${token} expired` })(request, res);
      };
    }

    it("logs in again once on a 401 and repeats the request with the new token", async () => {
      const valid = new Set<string>();
      let logins = 0;
      server = await ScriptedHttpServer.start(tokenServer(valid));
      const tokens = createTokenProvider({
        key: "acme",
        store: new MemoryTokenStore(),
        fetchToken: async () => {
          logins += 1;
          const token = `tok-${logins}-abcdef`;
          if (logins > 1) valid.add(token);
          return { token, expiresIn: 3600 };
        },
      });
      const client = createJsonHttpClient({
        service: "Acme",
        baseUrl: server.url,
        auth: { type: "token-provider", tokens },
      });
      await expect(client.request({ method: "GET", path: "x" })).resolves.toEqual({ ok: true });
      expect(logins).toBe(2);
      expect(server.requests.map((r) => r.headers.authorization)).toEqual([
        "Bearer tok-1-abcdef",
        "Bearer tok-2-abcdef",
      ]);
    });

    it("redacts the token when the 401 persists, and surfaces a login's own error as itself", async () => {
      server = await ScriptedHttpServer.start(tokenServer(new Set()));
      let logins = 0;
      const loginClient = createJsonHttpClient({ service: "Acme", baseUrl: server.url });
      const tokens = createTokenProvider({
        key: "acme",
        store: new MemoryTokenStore(),
        fetchToken: async () => {
          logins += 1;
          if (logins === 3) await loginClient.request({ method: "GET", path: "login" });
          return { token: `tok-${logins}-abcdef`, expiresIn: 3600 };
        },
      });
      const client = createJsonHttpClient({
        service: "Acme",
        baseUrl: server.url,
        auth: { type: "token-provider", tokens },
      });
      const error = (await client
        .request({ method: "GET", path: "x" })
        .catch((e: unknown) => e)) as HttpApiError;
      expect(error).toMatchObject({ status: 401 });
      expect(`${error.message} ${JSON.stringify(error)}`).not.toMatch(/tok-\d-abcdef/);

      const loginError = await client
        .request({ method: "GET", path: "x" })
        .catch((e: unknown) => e);
      expect(loginError).toBeInstanceOf(HttpApiError);
      expect(loginError).toMatchObject({ status: 401, message: expect.stringContaining("/login") });
    });
  });
});

describe("options", () => {
  it("refuses a misspelt or bad option with InvalidArgumentError", () => {
    const base = { service: "Acme", baseUrl: "https://api.acme.test" };
    expect(() => createJsonHttpClient({ ...base, timeoutMS: 5 } as never)).toThrow(
      InvalidArgumentError,
    );
    expect(() => createJsonHttpClient({ ...base, baseUrl: "ftp://x" })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createJsonHttpClient({ ...base, auth: { type: "bearer", token: "" } })).toThrow(
      InvalidArgumentError,
    );
  });

  it("refuses a bad request before sending anything", async () => {
    const { client } = await setUp([json(200, {})]);
    await expect(
      client.request({ method: "GET", path: "https://elsewhere.test/x" }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      client.request({ method: "GET", path: "x", idempotencykey: "k" } as never),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(server.requests).toHaveLength(0);
  });
});
