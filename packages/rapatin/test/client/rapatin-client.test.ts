import { InvalidArgumentError, MemoryTokenStore, type TokenStore } from "@lunas/core";
import { migrateCore, PostgresTokenStore } from "@lunas/core/postgres";
import { createPostgresTestSchema, ManualClock, type TestDatabase } from "@lunas/core/testing";
import {
  createRapatinClient,
  RapatinApiError,
  type RapatinClientOptions,
  RapatinLoginError,
  RapatinTimeoutError,
  RapatinValidationError,
} from "@lunas/rapatin";
import { FakeRapatinServer } from "@lunas/rapatin/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

const account = { email: "owner@example.com", password: "s3cret-Pa55" };
const schedule = {
  product_id: 1,
  topic: "Kelas",
  passcode: "123456",
  start_date: "2026-03-01",
  start_time: "09:00",
  recurring: false,
};

let server: FakeRapatinServer;

beforeEach(async () => {
  server = await FakeRapatinServer.start({ account });
});
afterEach(async () => {
  await server.close();
});

function client(overrides: Partial<RapatinClientOptions> = {}) {
  return createRapatinClient({
    ...account,
    baseUrl: server.url,
    retry: { delayMs: 1 },
    ...overrides,
  });
}

let pg: TestDatabase;
beforeAll(async () => {
  pg = await createPostgresTestSchema("rapatin_client");
  await migrateCore(pg.executor, { schema: pg.schema });
});
afterAll(async () => {
  await pg.drop();
});

const stores: [string, () => TokenStore][] = [
  ["memory", () => new MemoryTokenStore()],
  [
    "PostgreSQL",
    () => new PostgresTokenStore(pg.executor, { schema: pg.schema, table: "lunas_tokens" }),
  ],
];

describe.each(stores)("token cache over a %s store", (_name, makeStore) => {
  let tokenKey: string;
  beforeEach(() => {
    // Each test its own key, so the shared PostgreSQL table starts cold.
    tokenKey = `rapatin:test:${crypto.randomUUID()}`;
  });

  it("logs in once for 100 calls over a warm cache", async () => {
    const rapatin = client({ tokenStore: makeStore(), tokenKey });
    await rapatin.login();
    for (let i = 0; i < 100; i += 1) await rapatin.listSchedules();
    expect(server.counts.logins).toBe(1);
    expect(server.counts.lists).toBe(100);
  });

  it("logs in once for 50 concurrent calls at a cold start", async () => {
    const rapatin = client({ tokenStore: makeStore(), tokenKey });
    const results = await Promise.all(Array.from({ length: 50 }, () => rapatin.listSchedules()));
    expect(results).toHaveLength(50);
    expect(server.counts.logins).toBe(1);
    expect(server.counts.unauthorized).toBe(0);
  });

  it("logs in again once when Rapatin answers 401, and the call succeeds", async () => {
    const rapatin = client({ tokenStore: makeStore(), tokenKey });
    await rapatin.createSchedule(schedule);
    server.expireAllTokens();
    const created = await rapatin.createSchedule({ ...schedule, topic: "Kelas 2" });
    expect(created.topic).toBe("Kelas 2");
    expect(server.counts.logins).toBe(2);
    expect(server.counts.unauthorized).toBe(1);
    expect(server.counts.creates).toBe(2);
  });

  it("shares one login between two clients (two processes) on the same store", async () => {
    const store = makeStore();
    const first = client({ tokenStore: store, tokenKey });
    await first.listSchedules();
    const second = client({ tokenStore: store, tokenKey });
    await second.listSchedules();
    expect(server.counts.logins).toBe(1);
  });
});

describe("token lifetime", () => {
  it("re-logs in when the server-side lifetime ends before the cached expiry", async () => {
    await server.close();
    const clock = new ManualClock();
    server = await FakeRapatinServer.start({ account, clock, tokenLifetimeMs: 60 * 60_000 });
    const events: string[] = [];
    const rapatin = client({ clock, onTokenEvent: (event) => events.push(event.type) });
    await rapatin.listSchedules();
    clock.advance(2 * 60 * 60_000);
    await rapatin.listSchedules();
    expect(server.counts.logins).toBe(2);
    expect(server.counts.unauthorized).toBe(1);
    expect(events).toContain("retry_after_auth_error");
  });

  it("logs in again after the 7-day default lifetime without a 401", async () => {
    const clock = new ManualClock();
    const rapatin = client({ clock });
    await rapatin.listSchedules();
    clock.advance(7 * 24 * 60 * 60_000);
    await rapatin.listSchedules();
    expect(server.counts.logins).toBe(2);
    expect(server.counts.unauthorized).toBe(0);
  });
});

describe("answers and errors", () => {
  it("returns meeting_id as a string from create and from list", async () => {
    const rapatin = client();
    const created = await rapatin.createSchedule(schedule);
    expect(created.meeting_id).toMatch(/^\d{11}$/);
    const listed = await rapatin.listSchedules({
      tab: "all",
      from: "2026-03-01",
      to: "2026-03-01",
    });
    expect(listed).toEqual([
      expect.objectContaining({ id: created.id, meeting_id: created.meeting_id }),
    ]);
    expect(await rapatin.listSchedules({ from: "2026-03-02" })).toEqual([]);
  });

  it("turns a 422 into RapatinValidationError with the field messages", async () => {
    const rapatin = client();
    const error = await rapatin
      .createSchedule({ ...schedule, product_id: 9 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RapatinValidationError);
    expect(error).toMatchObject({
      code: "RAPATIN_VALIDATION",
      fields: { product_id: ["The selected product id is invalid."] },
    });
    expect(server.counts.creates).toBe(0);
  });

  it("rejects bad input before any request", async () => {
    const rapatin = client();
    await expect(rapatin.createSchedule({ ...schedule, start_time: "9am" })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(rapatin.listSchedules({ from: "yesterday" })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect(server.counts.attempts).toEqual({ login: 0, list: 0, create: 0 });
  });

  it("rejects bad options with a typed error that does not echo the password", () => {
    expect(() => createRapatinClient({ email: "not-an-email", password: "p4ss-word-x" })).toThrow(
      InvalidArgumentError,
    );
    try {
      createRapatinClient({ email: "a@b.co", password: "p4ss-word-x", baseUrl: "ftp://x" });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain("p4ss-word-x");
    }
    expect(() => createRapatinClient({ ...account, timeoutMs: -1 })).toThrow(InvalidArgumentError);
  });

  it("never retries POST /schedules, even on a 503", async () => {
    const rapatin = client();
    await rapatin.login();
    server.failNext("create", 503);
    const error = await rapatin.createSchedule(schedule).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RapatinApiError);
    expect(error).toMatchObject({ code: "RAPATIN_SERVER_ERROR", status: 503 });
    expect(server.counts.attempts.create).toBe(1);
    expect(server.schedules).toHaveLength(0);
  });

  it("retries GET /schedules and the login on 5xx", async () => {
    const rapatin = client();
    server.failNext("login", 502);
    server.failNext("list", 503, 2);
    await rapatin.listSchedules();
    expect(server.counts.attempts).toMatchObject({ login: 2, list: 3 });
  });

  it("gives up on GET after the retry limit with a typed error", async () => {
    const rapatin = client({ retry: { limit: 1, delayMs: 1 } });
    server.failNext("list", 500, 5);
    await expect(rapatin.listSchedules()).rejects.toMatchObject({
      code: "RAPATIN_SERVER_ERROR",
      status: 500,
    });
    expect(server.counts.attempts.list).toBe(2);
  });

  it("times out a slow answer with RapatinTimeoutError", async () => {
    server.delayMs.create = 300;
    const rapatin = client({ timeoutMs: 50 });
    await rapatin.login();
    const error = await rapatin.createSchedule(schedule).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RapatinTimeoutError);
    expect(error).toMatchObject({ code: "RAPATIN_TIMEOUT", timeoutMs: 50 });
  });

  it("gives up on a create Rapatin never answers after the default 45 s", async () => {
    const hanging = (async (input: Request | URL | string, init?: RequestInit) => {
      const request = new Request(input, init);
      if (new URL(request.url).pathname === "/auth/login") return fetch(request);
      return new Promise<Response>((_, reject) => {
        request.signal.addEventListener("abort", () => reject(request.signal.reason));
      });
    }) as typeof fetch;
    const rapatin = client({ fetch: hanging });
    await rapatin.login();
    vi.useFakeTimers();
    try {
      let settled = false;
      const created = rapatin.createSchedule(schedule).then(
        () => "answered",
        (e: unknown) => e,
      );
      void created.finally(() => {
        settled = true;
      });
      await vi.advanceTimersByTimeAsync(44_999);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await created).toMatchObject({ code: "RAPATIN_TIMEOUT", timeoutMs: 45_000 });
    } finally {
      vi.useRealTimers();
    }
  });

  it("times out an answer whose body stalls after the headers, success or error", async () => {
    // ky's own timeout ends at the headers; without a deadline on the body these calls hang forever.
    const stalled = (status: number) =>
      new Response(
        new ReadableStream({
          start: (controller) => controller.enqueue(new TextEncoder().encode('{"response":')),
        }),
        { status, headers: { "content-type": "application/json" } },
      );
    const stalling = (async (input: Request | URL | string, init?: RequestInit) => {
      const request = new Request(input, init);
      if (new URL(request.url).pathname === "/auth/login") return fetch(request);
      return stalled(request.method === "POST" ? 201 : 503);
    }) as typeof fetch;
    const rapatin = client({ fetch: stalling, timeoutMs: 80, retry: { limit: 0 } });
    const created = await rapatin.createSchedule(schedule).catch((e: unknown) => e);
    expect(created).toBeInstanceOf(RapatinTimeoutError);
    expect(created).toMatchObject({ code: "RAPATIN_TIMEOUT", timeoutMs: 80 });
    // An error answer's body is read for Rapatin's message; stalled, the status alone speaks.
    await expect(rapatin.listSchedules()).rejects.toMatchObject({
      code: "RAPATIN_SERVER_ERROR",
      status: 503,
    });
    expect(server.counts.logins).toBe(1);
  });

  it("reports a refused login as RapatinLoginError, without the password", async () => {
    const rapatin = client({ password: "wrong-Pa55word" });
    const error = await rapatin.listSchedules().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RapatinLoginError);
    expect(error).toMatchObject({ code: "RAPATIN_LOGIN_FAILED", status: 422 });
    expect(JSON.stringify(error)).not.toContain("wrong-Pa55word");
    expect(String((error as Error).message)).not.toContain("wrong-Pa55word");
  });

  it("keeps the token and password out of the error when 401 persists after the re-login", async () => {
    await server.close();
    server = await FakeRapatinServer.start({ account, tokenLifetimeMs: 0 });
    const rapatin = client();
    const error = (await rapatin.listSchedules().catch((e: unknown) => e)) as RapatinApiError;
    expect(error).toBeInstanceOf(RapatinApiError);
    expect(error).toMatchObject({ code: "RAPATIN_UNAUTHORIZED", status: 401 });
    expect(server.counts.logins).toBe(2);
    const everything = `${error.message} ${JSON.stringify(error)} ${String(error.cause ?? "")} ${error.stack ?? ""}`;
    expect(everything).not.toContain(account.password);
    expect(everything).not.toMatch(/\d+\|[0-9a-f]{40}/);
  });

  it("answers an unreachable server with RapatinNetworkError after retrying the login", async () => {
    const url = server.url;
    await server.close();
    server = await FakeRapatinServer.start({ account });
    const rapatin = createRapatinClient({
      ...account,
      baseUrl: url,
      retry: { limit: 1, delayMs: 1 },
    });
    await expect(rapatin.listSchedules()).rejects.toMatchObject({ code: "RAPATIN_UNREACHABLE" });
  });
});
