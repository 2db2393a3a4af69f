import { createTokenProvider } from "@lunas/core";
import {
  ACQUIRE_TOKEN_LEASE_FUNCTION,
  DELETE_TOKEN_IF_VALUE_FUNCTION,
  SupabaseTokenStore,
} from "@lunas/core/supabase";
import { ManualClock } from "@lunas/core/testing";
import { createClient } from "@supabase/supabase-js";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

const URL_BASE = "http://supabase.test";
const SERVICE_KEY = "service-role-key";
const KEY = "rapatin:ops@example.com";

describe("SupabaseTokenStore (HTTP shapes PostgREST receives)", () => {
  let clock: ManualClock;
  let api: nock.Scope;
  const client = createClient(URL_BASE, SERVICE_KEY, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const store = (options: ConstructorParameters<typeof SupabaseTokenStore>[1] = {}) =>
    new SupabaseTokenStore(client, { clock, ...options });

  beforeAll(() => {
    nock.disableNetConnect();
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
  beforeEach(() => {
    clock = new ManualClock(Date.UTC(2026, 4, 17, 8, 30, 15, 123));
    api = nock(URL_BASE, {
      reqheaders: { apikey: SERVICE_KEY, authorization: `Bearer ${SERVICE_KEY}` },
    });
  });
  afterEach(() => {
    const pending = api.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });

  it("reads a token with GET ?select=...&key=eq.<key>", async () => {
    api
      .get("/rest/v1/lunas_tokens")
      .query({ select: "value,expires_at", key: `eq.${KEY}` })
      .reply(200, [{ value: "tok", expires_at: "2026-05-24T08:30:15.987+00:00" }]);
    expect(await store().get(KEY)).toEqual({
      value: "tok",
      expiresAt: Date.UTC(2026, 4, 24, 8, 30, 15, 987),
    });
  });

  it("answers null when PostgREST returns no row", async () => {
    api.get("/rest/v1/lunas_tokens").query(true).reply(200, []);
    expect(await store().get(KEY)).toBeNull();
  });

  it("upserts with POST, on_conflict=key and Prefer: resolution=merge-duplicates", async () => {
    api
      .post("/rest/v1/lunas_tokens", {
        key: KEY,
        value: "tok",
        expires_at: "2026-05-24T08:30:15.987Z",
        updated_at: "2026-05-17T08:30:15.123Z",
      })
      .query({ on_conflict: "key" })
      .matchHeader("prefer", /resolution=merge-duplicates/)
      .reply(201);
    await store().set(KEY, { value: "tok", expiresAt: Date.UTC(2026, 4, 24, 8, 30, 15, 987) });
  });

  it("deletes with DELETE ?key=eq.<key>", async () => {
    api
      .delete("/rest/v1/lunas_tokens")
      .query({ key: `eq.${KEY}` })
      .reply(204);
    await store().delete(KEY);
  });

  it("takes a lease through POST /rest/v1/rpc/lunas_acquire_token_lease", async () => {
    const body = {
      p_table: "lunas_tokens",
      p_key: KEY,
      p_holder: "holder-a",
      p_until: "2026-05-17T08:30:45.123Z",
      p_now: "2026-05-17T08:30:15.123Z",
    };
    api.post(`/rest/v1/rpc/${ACQUIRE_TOKEN_LEASE_FUNCTION}`, body).reply(200, "true");
    api.post(`/rest/v1/rpc/${ACQUIRE_TOKEN_LEASE_FUNCTION}`, body).reply(200, "false");
    const s = store();
    expect(await s.acquireLease(KEY, "holder-a", clock.now() + 30_000)).toBe(true);
    expect(await s.acquireLease(KEY, "holder-a", clock.now() + 30_000)).toBe(false);
  });

  it("compare-and-deletes through POST /rest/v1/rpc/lunas_delete_token_if_value, the token in the body only", async () => {
    const body = { p_table: "lunas_tokens", p_key: KEY, p_value: "rejected-secret" };
    api
      .post(`/rest/v1/rpc/${DELETE_TOKEN_IF_VALUE_FUNCTION}`, body)
      .query((query) => !JSON.stringify(query).includes("rejected-secret"))
      .reply(200, "true");
    api.post(`/rest/v1/rpc/${DELETE_TOKEN_IF_VALUE_FUNCTION}`, body).reply(200, "false");
    const s = store();
    expect(await s.compareAndDelete(KEY, "rejected-secret")).toBe(true);
    expect(await s.compareAndDelete(KEY, "rejected-secret")).toBe(false);
  });

  it("releases only the holder's lease: DELETE with key and holder filters", async () => {
    api
      .delete("/rest/v1/lunas_tokens_leases")
      .query({ key: `eq.${KEY}`, holder: "eq.holder-a" })
      .reply(204);
    await store().releaseLease(KEY, "holder-a");
  });

  it("deleteExpired deletes with lt filters and counts with Prefer: count=exact", async () => {
    const cutoff = "2026-05-17T08:30:15.123Z";
    api
      .delete("/rest/v1/lunas_tokens")
      .query({ expires_at: `lt.${cutoff}` })
      .matchHeader("prefer", /count=exact/)
      .reply(204, undefined, { "content-range": "*/2" });
    api
      .delete("/rest/v1/lunas_tokens_leases")
      .query({ lease_until: `lt.${cutoff}` })
      .matchHeader("prefer", /count=exact/)
      .reply(204, undefined, { "content-range": "*/1" });
    expect(await store().deleteExpired(clock.now())).toBe(3);
  });

  it("uses the schema and table options (Accept-Profile / Content-Profile headers)", async () => {
    api.get("/rest/v1/tokens").query(true).matchHeader("accept-profile", "lunas").reply(200, []);
    api.post("/rest/v1/tokens").query(true).matchHeader("content-profile", "lunas").reply(201);
    api
      .post(`/rest/v1/rpc/${ACQUIRE_TOKEN_LEASE_FUNCTION}`, (b) => b.p_table === "tokens")
      .matchHeader("content-profile", "lunas")
      .reply(200, "true");
    const s = store({ schema: "lunas", table: "tokens" });
    expect(await s.get(KEY)).toBeNull();
    await s.set(KEY, { value: "v", expiresAt: clock.now() + 1000 });
    expect(await s.acquireLease(KEY, "h", clock.now() + 1000)).toBe(true);
  });

  it("turns a PostgREST error into TOKEN_STORE_FAILED without the row's values", async () => {
    api.post("/rest/v1/lunas_tokens").query(true).reply(403, {
      code: "42501",
      message: "permission denied for table lunas_tokens",
      details: "Failing row contains (rapatin, super-secret-token)",
      hint: null,
    });
    const error = await store()
      .set(KEY, { value: "super-secret-token", expiresAt: clock.now() + 1000 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TOKEN_STORE_FAILED" });
    expect((error as Error).message).toContain("42501");
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain("super-secret");
  });

  it("aborts a request that outlives timeoutMs", async () => {
    api.get("/rest/v1/lunas_tokens").query(true).delay(2_000).reply(200, []);
    const error = await store({ timeoutMs: 30 })
      .get(KEY)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TOKEN_STORE_FAILED" });
    expect((error as Error).message).toMatch(/abort|timeout/i);
  });

  // A bad key or expiry is refused by the token provider in front of the store
  // (provider-validates-before-store.test.ts); the store checks its own options.
  it("rejects bad options with INVALID_ARGUMENT before any request", async () => {
    expect(() => store({ table: "Robert'); drop table students;--" })).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
    expect(() => store({ timeoutMs: 0 })).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
    expect(() => new SupabaseTokenStore({} as never)).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });

  it("serves a token provider: cold read, lease, login, store, release", async () => {
    api.get("/rest/v1/lunas_tokens").query(true).twice().reply(200, []);
    api.post(`/rest/v1/rpc/${ACQUIRE_TOKEN_LEASE_FUNCTION}`).reply(200, "true");
    api
      .post("/rest/v1/lunas_tokens", (b) => b.value === "fresh-token")
      .query(true)
      .reply(201);
    api.delete("/rest/v1/lunas_tokens_leases").query(true).reply(204);
    api
      .delete("/rest/v1/lunas_tokens")
      .query(true)
      .reply(204, undefined, { "content-range": "*/0" });
    api
      .delete("/rest/v1/lunas_tokens_leases")
      .query(true)
      .reply(204, undefined, { "content-range": "*/0" });
    const provider = createTokenProvider({
      key: KEY,
      store: store(),
      clock,
      sleep: clock.sleep,
      fetchToken: async () => ({ token: "fresh-token", expiresIn: 3600 }),
    });
    expect(await provider.getToken()).toBe("fresh-token");
    expect(await provider.getToken()).toBe("fresh-token");
    // The sweep after the login runs in the background; wait until it reached PostgREST.
    await vi.waitFor(() => expect(api.isDone()).toBe(true));
  });
});
