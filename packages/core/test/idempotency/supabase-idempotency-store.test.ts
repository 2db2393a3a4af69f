import { SupabaseIdempotencyStore } from "@lunas/core/supabase";
import { createClient } from "@supabase/supabase-js";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const URL_BASE = "https://lunasproj.supabase.co";
const SERVICE_KEY = "service-role-key-not-for-logs";
const T0 = Date.UTC(2026, 4, 17, 8, 30, 15, 123);
const iso = (ms: number) => new Date(ms).toISOString();

function client() {
  return createClient(URL_BASE, SERVICE_KEY, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
}

/** PostgREST as supabase-js reaches it: service key in both headers. */
function postgrest() {
  return nock(URL_BASE)
    .matchHeader("apikey", SERVICE_KEY)
    .matchHeader("authorization", `Bearer ${SERVICE_KEY}`);
}

const claimRow = {
  key: "xendit:evt_1",
  fingerprint: "f".repeat(64),
  status: "in_progress",
  holder: "holder-a",
  lease_expires_at: T0 + 30_000,
  expires_at: T0 + 86_400_000,
  has_result: false,
  result: null,
};

describe("SupabaseIdempotencyStore (PostgREST requests)", () => {
  beforeAll(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => {
    nock.enableNetConnect();
  });

  it("claims through POST /rest/v1/rpc/lunas_idempotency_claim with the clock's times", async () => {
    postgrest()
      .matchHeader("content-type", /application\/json/)
      .post("/rest/v1/rpc/lunas_idempotency_claim", {
        p_table: "lunas_idempotency",
        p_key: "xendit:evt_1",
        p_fingerprint: "f".repeat(64),
        p_holder: "holder-a",
        p_now: iso(T0),
        p_lease_expires_at: iso(T0 + 30_000),
        p_expires_at: iso(T0 + 86_400_000),
      })
      .reply(200, { ...claimRow, outcome: "acquired" });

    const outcome = await new SupabaseIdempotencyStore(client()).claim({
      key: "xendit:evt_1",
      fingerprint: "f".repeat(64),
      holder: "holder-a",
      now: T0,
      leaseExpiresAt: T0 + 30_000,
      expiresAt: T0 + 86_400_000,
    });
    expect(outcome).toEqual({
      status: "acquired",
      record: {
        key: "xendit:evt_1",
        fingerprint: "f".repeat(64),
        status: "in_progress",
        holder: "holder-a",
        leaseExpiresAt: T0 + 30_000,
        expiresAt: T0 + 86_400_000,
      },
    });
  });

  it("maps a completed answer with its stored result, null included", async () => {
    postgrest()
      .post("/rest/v1/rpc/lunas_idempotency_claim")
      .reply(200, {
        ...claimRow,
        status: "completed",
        outcome: "completed",
        has_result: true,
        result: null,
      });
    const outcome = await new SupabaseIdempotencyStore(client()).claim({
      key: "xendit:evt_1",
      fingerprint: "f".repeat(64),
      holder: "holder-b",
      now: T0,
      leaseExpiresAt: T0 + 1,
      expiresAt: T0 + 2,
    });
    expect(outcome.status).toBe("completed");
    expect(outcome.record).toHaveProperty("result", null);
  });

  it("rejects a non-client or unsafe names before sending anything", () => {
    expect(() => new SupabaseIdempotencyStore({} as never)).toThrow(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        message: expect.stringContaining("SupabaseClient"),
      }),
    );
    for (const options of [
      { table: "lunas_idempotency; drop table x" },
      { claimFunction: "../auth/v1/admin" },
      { timeoutMs: 0 },
      { tabel: "typo" },
    ]) {
      expect(() => new SupabaseIdempotencyStore(client(), options as never)).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT" }),
      );
    }
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("uses the configured table and function names", async () => {
    postgrest()
      .post("/rest/v1/rpc/my_claim", (body) => body.p_table === "my_idempotency")
      .reply(200, { ...claimRow, outcome: "in_progress" });
    postgrest()
      .post("/rest/v1/rpc/my_complete", (body) => body.p_table === "my_idempotency")
      .reply(200, "false", { "content-type": "application/json" });
    postgrest()
      .post("/rest/v1/rpc/my_release", { p_table: "my_idempotency", p_key: "k", p_holder: "h" })
      .reply(200, "true", { "content-type": "application/json" });
    const store = new SupabaseIdempotencyStore(client(), {
      table: "my_idempotency",
      claimFunction: "my_claim",
      completeFunction: "my_complete",
      releaseFunction: "my_release",
    });
    const outcome = await store.claim({
      key: "k",
      fingerprint: "f",
      holder: "h2",
      now: T0,
      leaseExpiresAt: T0 + 1,
      expiresAt: T0 + 2,
    });
    expect(outcome.status).toBe("in_progress");
    expect(await store.complete("k", "h", 1, T0)).toBe(false);
    await store.release("k", "h");
  });

  it("completes with the result as JSON and says whether there is one", async () => {
    postgrest()
      .post("/rest/v1/rpc/lunas_idempotency_complete", {
        p_table: "lunas_idempotency",
        p_key: "xendit:evt_1",
        p_holder: "holder-a",
        p_result: { voucher: "LUNAS-42", codes: [1, 2] },
        p_has_result: true,
        p_expires_at: iso(T0 + 7 * 86_400_000),
      })
      .reply(200, "true", { "content-type": "application/json" });
    postgrest()
      .post("/rest/v1/rpc/lunas_idempotency_complete", {
        p_table: "lunas_idempotency",
        p_key: "xendit:evt_2",
        p_holder: "holder-a",
        p_result: null,
        p_has_result: false,
        p_expires_at: iso(T0),
      })
      .reply(200, "true", { "content-type": "application/json" });
    const store = new SupabaseIdempotencyStore(client());
    expect(
      await store.complete(
        "xendit:evt_1",
        "holder-a",
        { voucher: "LUNAS-42", codes: [1, 2] },
        T0 + 7 * 86_400_000,
      ),
    ).toBe(true);
    expect(await store.complete("xendit:evt_2", "holder-a", undefined, T0)).toBe(true);
  });

  it("reads a record with GET on the table, result as text so null and 'none' stay apart", async () => {
    postgrest()
      .get("/rest/v1/lunas_idempotency")
      .query({
        select:
          "key,fingerprint,status,holder,lease_expires_at,expires_at,result_json:result::text",
        key: "eq.xendit:evt_1",
      })
      .reply(200, [
        {
          key: "xendit:evt_1",
          fingerprint: "abc",
          status: "completed",
          holder: "holder-a",
          lease_expires_at: "2026-05-17T08:30:45.123+00:00",
          expires_at: "2026-05-24T15:30:15.123+07:00",
          result_json: '{"voucher": "LUNAS-42"}',
        },
      ]);
    postgrest()
      .get("/rest/v1/lunas_idempotency")
      .query((query) => query.key === "eq.missing")
      .reply(200, []);
    const store = new SupabaseIdempotencyStore(client());
    expect(await store.get("xendit:evt_1")).toEqual({
      key: "xendit:evt_1",
      fingerprint: "abc",
      status: "completed",
      holder: "holder-a",
      leaseExpiresAt: T0 + 30_000,
      expiresAt: T0 + 7 * 86_400_000,
      result: { voucher: "LUNAS-42" },
    });
    expect(await store.get("missing")).toBeNull();
  });

  it("purges with DELETE ... expires_at=lt.<now> and an exact count", async () => {
    postgrest()
      .matchHeader("prefer", /count=exact/)
      .delete("/rest/v1/lunas_idempotency")
      .query({ expires_at: `lt.${iso(T0)}` })
      .reply(204, "", { "content-range": "*/3" });
    expect(await new SupabaseIdempotencyStore(client()).purgeExpired(T0)).toBe(3);
  });

  it("turns PostgREST errors into IDEMPOTENCY_STORE_FAILED without the service key", async () => {
    postgrest().post("/rest/v1/rpc/lunas_idempotency_release").reply(403, {
      code: "42501",
      message: "permission denied for function lunas_idempotency_release",
    });
    const error = await new SupabaseIdempotencyStore(client())
      .release("k", "h")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "IDEMPOTENCY_STORE_FAILED" });
    expect((error as Error).message).toMatch(/42501/);
    expect((error as Error).message).not.toContain(SERVICE_KEY);
  });

  it("refuses an answer of the wrong shape", async () => {
    postgrest().post("/rest/v1/rpc/lunas_idempotency_claim").reply(200, { outcome: "maybe" });
    await expect(
      new SupabaseIdempotencyStore(client()).claim({
        key: "k",
        fingerprint: "f",
        holder: "h",
        now: T0,
        leaseExpiresAt: T0 + 1,
        expiresAt: T0 + 2,
      }),
    ).rejects.toMatchObject({ code: "IDEMPOTENCY_STORE_FAILED" });
  });

  it("gives up after timeoutMs", async () => {
    // Neither request is ever answered within the test. Which store gives up
    // first shows whose timeoutMs was honoured, with no stopwatch to fail on a
    // busy machine: the 2 s one asks first, so a store that ignored timeoutMs
    // (both on the 10 s default) would have it settle first.
    postgrest()
      .post("/rest/v1/rpc/lunas_idempotency_release")
      .times(2)
      .delay(60_000)
      .reply(200, "true", { "content-type": "application/json" });
    const settled: string[] = [];
    const release = (name: string, timeoutMs: number) =>
      new SupabaseIdempotencyStore(client(), { timeoutMs }).release("k", "h").then(
        () => settled.push(`${name}: released`),
        (error: unknown) => {
          settled.push(name);
          return error;
        },
      );
    const slow = release("2000 ms", 2_000);
    const fast = release("50 ms", 50);
    expect(await fast).toMatchObject({ code: "IDEMPOTENCY_STORE_FAILED" });
    expect(settled).toEqual(["50 ms"]);
    expect(await slow).toMatchObject({ code: "IDEMPOTENCY_STORE_FAILED" });
    expect(settled).toEqual(["50 ms", "2000 ms"]);
  });
});
