import {
  createTokenProvider,
  MemoryTokenStore,
  type TokenEvent,
  TokenFetchError,
  TokenFetchTimeoutError,
  type TokenProviderOptions,
  type TokenStore,
} from "@lunas/core";
import { FakeTokenEndpoint, FakeUnauthorizedError, ManualClock } from "@lunas/core/testing";
import { beforeEach, describe, expect, it, vi } from "vitest";

const KEY = "rapatin:ops@example.com";
const DAY = 86_400_000;

/** Lets pending promise chains run; no time passes on the ManualClock. */
const flush = async () => {
  for (let i = 0; i < 20; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
};

function base64url(json: unknown): string {
  return btoa(JSON.stringify(json)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function jwt(payload: Record<string, unknown>): string {
  return `${base64url({ alg: "HS256", typ: "JWT" })}.${base64url(payload)}.c2lnbmF0dXJl`;
}

/** Counts what reaches the store, to show memory hits do not. */
function countingStore(inner: TokenStore) {
  const calls = { get: 0, set: 0, delete: 0, compareAndDelete: 0 };
  const store: TokenStore = {
    get: (key) => {
      calls.get += 1;
      return inner.get(key);
    },
    set: (key, token) => {
      calls.set += 1;
      return inner.set(key, token);
    },
    delete: (key) => {
      calls.delete += 1;
      return inner.delete(key);
    },
    compareAndDelete: (key, value) => {
      calls.compareAndDelete += 1;
      return inner.compareAndDelete(key, value);
    },
  };
  return { store, calls };
}

describe("createTokenProvider", () => {
  let clock: ManualClock;
  let store: MemoryTokenStore;
  let endpoint: FakeTokenEndpoint;
  let events: TokenEvent[];

  const provider = (overrides: Partial<TokenProviderOptions> = {}) =>
    createTokenProvider({
      key: KEY,
      store,
      fetchToken: endpoint.fetchToken,
      clock,
      sleep: clock.sleep,
      onEvent: (event) => events.push(event),
      ...overrides,
    });

  beforeEach(() => {
    clock = new ManualClock();
    store = new MemoryTokenStore({ clock });
    endpoint = new FakeTokenEndpoint({ expiresIn: 3600 });
    events = [];
  });

  it("shares one login among concurrent callers and stores the token", async () => {
    const tokens = provider();
    const all = await Promise.all(Array.from({ length: 50 }, () => tokens.getToken()));
    expect(new Set(all)).toEqual(new Set(["token-1"]));
    expect(endpoint.logins).toBe(1);
    expect(await store.get(KEY)).toEqual({ value: "token-1", expiresAt: clock.now() + 3_600_000 });
    expect(events.filter((e) => e.type === "login")).toHaveLength(1);
  });

  it("answers hot hits from memory without touching the store", async () => {
    const { store: counted, calls } = countingStore(store);
    const tokens = provider({ store: counted });
    await tokens.getToken();
    const after = { ...calls };
    for (let i = 0; i < 100; i += 1) expect(await tokens.getToken()).toBe("token-1");
    expect(calls).toEqual(after);
  });

  it("refreshes refreshSkewMs before the expiresIn the login reported", async () => {
    const tokens = provider();
    expect(await tokens.getToken()).toBe("token-1");
    clock.advance(3_600_000 - 60_000 - 1);
    expect(await tokens.getToken()).toBe("token-1");
    clock.advance(1);
    expect(await tokens.getToken()).toBe("token-2");
    expect(endpoint.logins).toBe(2);
  });

  it("honours a custom refreshSkewMs", async () => {
    const tokens = provider({ refreshSkewMs: 0 });
    await tokens.getToken();
    clock.advance(3_600_000 - 1);
    expect(await tokens.getToken()).toBe("token-1");
    clock.advance(1);
    expect(await tokens.getToken()).toBe("token-2");
  });

  it("uses expiresAt when there is no expiresIn, and expiresIn first when both come", async () => {
    const expiresAt = clock.now() + 5 * 60_000 + 7;
    await provider({ fetchToken: async () => ({ token: "abs", expiresAt }) }).getToken();
    expect(await store.get(KEY)).toEqual({ value: "abs", expiresAt });
    await store.delete(KEY);
    await provider({
      fetchToken: async () => ({ token: "both", expiresIn: 10, expiresAt }),
    }).getToken();
    expect((await store.get(KEY))?.expiresAt).toBe(clock.now() + 10_000);
  });

  it("reads the JWT exp claim when the login gives no expiry", async () => {
    const exp = Math.floor(clock.now() / 1000) + 2 * 3600;
    // Characters chosen so the base64url payload contains - or _.
    const token = jwt({ sub: "ops@example.com??>>", exp, name: "~~~" });
    await provider({ fetchToken: async () => ({ token }) }).getToken();
    expect(await store.get(KEY)).toEqual({ value: token, expiresAt: exp * 1000 });
  });

  it("falls back to 7 days for an opaque token or a JWT without exp", async () => {
    await provider({ fetchToken: async () => ({ token: "opaque-session-id" }) }).getToken();
    expect((await store.get(KEY))?.expiresAt).toBe(clock.now() + 7 * DAY);
    await store.delete(KEY);
    await provider({ fetchToken: async () => ({ token: jwt({ sub: "x" }) }) }).getToken();
    expect((await store.get(KEY))?.expiresAt).toBe(clock.now() + 7 * DAY);
    await store.delete(KEY);
    await provider({
      fetchToken: async () => ({ token: "not.a-jwt.really" }),
      defaultTtlMs: 1000,
    }).getToken();
    expect((await store.get(KEY))?.expiresAt).toBe(clock.now() + 1000);
  });

  it("reuses a token another process stored instead of logging in", async () => {
    await store.set(KEY, { value: "from-elsewhere", expiresAt: clock.now() + DAY });
    expect(await provider().getToken()).toBe("from-elsewhere");
    expect(endpoint.logins).toBe(0);
  });

  it("works with a clock that reads fractions of a millisecond (stores keep whole ms)", async () => {
    const fractional = { now: () => clock.now() + 0.75 };
    const tokens = provider({
      clock: fractional,
      store: new MemoryTokenStore({ clock: fractional }),
    });
    expect(await tokens.getToken()).toBe("token-1");
    const noExpiry = new FakeTokenEndpoint();
    const defaults = provider({ clock: fractional, fetchToken: noExpiry.fetchToken, key: "other" });
    expect(await defaults.getToken()).toBe("token-1");
  });

  it("invalidate forgets the token in memory and in the store", async () => {
    const tokens = provider();
    await tokens.getToken();
    await tokens.invalidate();
    expect(await store.get(KEY)).toBeNull();
    expect(await tokens.getToken()).toBe("token-2");
    expect(events.map((e) => e.type)).toContain("invalidate");
  });

  it("does not put back a token read before an invalidate finished", async () => {
    await store.set(KEY, { value: "old", expiresAt: clock.now() + DAY });
    let releaseRead: () => void = () => {};
    const slowStore: TokenStore = {
      get: async (key) => {
        const token = await store.get(key);
        await new Promise<void>((resolve) => {
          releaseRead = resolve;
        });
        return token;
      },
      set: (key, token) => store.set(key, token),
      delete: (key) => store.delete(key),
      compareAndDelete: (key, value) => store.compareAndDelete(key, value),
    };
    const tokens = provider({ store: slowStore });
    const first = tokens.getToken();
    await flush();
    await tokens.invalidate();
    releaseRead();
    expect(await first).toBe("old");
    const second = tokens.getToken();
    await flush();
    releaseRead();
    expect(await second).toBe("token-1");
    expect(endpoint.logins).toBe(1);
  });

  /** The store, with deletes held open until `finishDelete()`: a slow database round trip. */
  function slowDeleteStore() {
    let finishDelete: () => void = () => {};
    const held = () =>
      new Promise<void>((resolve) => {
        finishDelete = resolve;
      });
    const slow: TokenStore = {
      get: (key) => store.get(key),
      set: (key, token) => store.set(key, token),
      delete: async (key) => {
        await held();
        await store.delete(key);
      },
      compareAndDelete: async (key, value) => {
        await held();
        return store.compareAndDelete(key, value);
      },
    };
    return { slow, finishDelete: () => finishDelete() };
  }

  it("does not keep a token read while an invalidate was still deleting it", async () => {
    const { slow, finishDelete } = slowDeleteStore();
    const tokens = provider({ store: slow });
    expect(await tokens.getToken()).toBe("token-1");
    const invalidated = tokens.invalidate();
    await flush();
    // A caller arriving mid-invalidate still finds token-1 in the store.
    await tokens.getToken();
    finishDelete();
    await invalidated;
    expect(await tokens.getToken()).toBe("token-2");
    expect(endpoint.logins).toBe(2);
  });

  describe("withToken", () => {
    it("retries with a new login even when another caller read the rejected token while it was being deleted", async () => {
      const { slow, finishDelete } = slowDeleteStore();
      const tokens = provider({ store: slow });
      await tokens.getToken();
      endpoint.revokeAll();
      const rejected = tokens.withToken((token) => endpoint.call(token));
      await flush();
      // Another request asks for a token while the rejected one is being deleted.
      const meanwhile = tokens.getToken();
      await flush();
      finishDelete();
      await meanwhile;
      expect(await rejected).toBe("ok with token-2");
      expect(await tokens.getToken()).toBe("token-2");
      expect(endpoint.logins).toBe(2);
    });

    it("logs in again once and retries once after an auth error", async () => {
      const tokens = provider();
      await tokens.getToken();
      endpoint.revokeAll();
      const used: string[] = [];
      const result = await tokens.withToken((token) => {
        used.push(token);
        return endpoint.call(token);
      });
      expect(result).toBe("ok with token-2");
      expect(used).toEqual(["token-1", "token-2"]);
      expect(endpoint.logins).toBe(2);
      expect(await store.get(KEY)).toMatchObject({ value: "token-2" });
      expect(events.map((e) => e.type)).toContain("retry_after_auth_error");
    });

    it("throws the second auth error instead of looping", async () => {
      const tokens = provider();
      const run = vi.fn(async () => {
        throw new FakeUnauthorizedError();
      });
      await expect(tokens.withToken(run)).rejects.toBeInstanceOf(FakeUnauthorizedError);
      expect(run).toHaveBeenCalledTimes(2);
      expect(endpoint.logins).toBe(2);
    });

    it("retries once with what the new login gave, even when it is the rejected token again", async () => {
      let logins = 0;
      const tokens = provider({
        fetchToken: async () => {
          logins += 1;
          // A provider that hands back the same session; stop a runaway loop of logins.
          if (logins > 3) throw new Error("logged in again and again");
          return { token: "same-session", expiresIn: 3600 };
        },
      });
      const run = vi.fn(async () => {
        throw new FakeUnauthorizedError();
      });
      await expect(tokens.withToken(run)).rejects.toBeInstanceOf(FakeUnauthorizedError);
      expect(run.mock.calls).toEqual([["same-session"], ["same-session"]]);
      expect(logins).toBe(2);
    });

    it("does not retry other errors", async () => {
      const tokens = provider();
      const boom = Object.assign(new Error("server error"), { status: 500 });
      const run = vi.fn(async () => {
        throw boom;
      });
      await expect(tokens.withToken(run)).rejects.toBe(boom);
      expect(run).toHaveBeenCalledTimes(1);
      expect(endpoint.logins).toBe(1);
    });

    it("keeps a newer token another process stored when the old one fails", async () => {
      const tokens = provider();
      await tokens.getToken();
      await store.set(KEY, { value: "newer-from-elsewhere", expiresAt: clock.now() + DAY });
      const used: string[] = [];
      const result = await tokens.withToken(async (token) => {
        used.push(token);
        if (token === "token-1") throw new FakeUnauthorizedError();
        return token;
      });
      expect(result).toBe("newer-from-elsewhere");
      expect(used).toEqual(["token-1", "newer-from-elsewhere"]);
      expect(endpoint.logins).toBe(1);
      expect(await store.get(KEY)).toMatchObject({ value: "newer-from-elsewhere" });
    });

    it("re-logs in once for many concurrent calls that fail with the same token", async () => {
      const tokens = provider();
      await tokens.getToken();
      endpoint.revokeAll();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => tokens.withToken((token) => endpoint.call(token))),
      );
      expect(new Set(results)).toEqual(new Set(["ok with token-2"]));
      expect(endpoint.logins).toBe(2);
    });

    it("uses a custom isAuthError", async () => {
      const tokens = provider({ isAuthError: (e) => (e as Error).message === "expired" });
      let calls = 0;
      const result = await tokens.withToken(async (token) => {
        calls += 1;
        if (calls === 1) throw new Error("expired");
        return token;
      });
      expect(result).toBe("token-2");
    });
  });

  describe("errors", () => {
    it("aborts a login that outlives fetchTimeoutMs with TOKEN_FETCH_TIMEOUT", async () => {
      let seen: AbortSignal | undefined;
      const hanging = (signal: AbortSignal) => {
        seen = signal;
        return new Promise<never>(() => {});
      };
      const tokens = provider({ fetchToken: hanging, fetchTimeoutMs: 5_000 });
      const pending = tokens.getToken();
      const outcome = pending.then(
        () => undefined,
        (error: unknown) => error,
      );
      await flush();
      clock.advance(4_999);
      await flush();
      expect(seen?.aborted).toBe(false);
      clock.advance(1);
      // Settles on the injected clock alone: a provider that fell back to real
      // sleep would still be waiting 5 s of wall-clock time here.
      let settled = false;
      void outcome.then(() => {
        settled = true;
      });
      await flush();
      expect(settled).toBe(true);
      const error = await outcome;
      expect(error).toBeInstanceOf(TokenFetchTimeoutError);
      expect(error).toMatchObject({ code: "TOKEN_FETCH_TIMEOUT", key: KEY });
      expect(seen?.aborted).toBe(true);
      // The lease went back and the failure is not cached: the next call logs in.
      expect(await store.acquireLease(KEY, "someone-else", clock.now() + 1000)).toBe(true);
      await store.releaseLease(KEY, "someone-else");
      expect(await provider().getToken()).toBe("token-1");
    });

    it("wraps a failed login in TOKEN_FETCH_FAILED without echoing secrets", async () => {
      const cause = Object.assign(new Error("login rejected for password hunter2 token s3cret"), {
        status: 403,
      });
      const tokens = provider({
        fetchToken: async () => {
          throw cause;
        },
      });
      const error = await tokens.getToken().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenFetchError);
      expect(error).toMatchObject({ code: "TOKEN_FETCH_FAILED", cause });
      expect((error as Error).message).toContain("HTTP 403");
      expect((error as Error).message).not.toMatch(/hunter2|s3cret/);
    });

    it("rejects an unusable login answer with TOKEN_FETCH_FAILED", async () => {
      for (const answer of [{ token: "" }, { token: "t", expiresIn: -1 }, null, "bare-string"]) {
        const tokens = provider({ fetchToken: async () => answer as never });
        const error = await tokens.getToken().catch((e: unknown) => e);
        expect(error).toMatchObject({ code: "TOKEN_FETCH_FAILED" });
        expect((error as Error).message).not.toContain("bare-string");
      }
      expect(await store.get(KEY)).toBeNull();
    });

    it("refuses a token that is already expired, e.g. expiresAt given in seconds", async () => {
      const seconds = Math.floor(clock.now() / 1000) + 3600;
      const tokens = provider({ fetchToken: async () => ({ token: "t", expiresAt: seconds }) });
      await expect(tokens.getToken()).rejects.toMatchObject({
        code: "TOKEN_FETCH_FAILED",
        message: expect.stringContaining("already expired"),
      });
      const expiredJwt = jwt({ exp: Math.floor(clock.now() / 1000) - 1 });
      await expect(
        provider({ fetchToken: async () => ({ token: expiredJwt }) }).getToken(),
      ).rejects.toMatchObject({ code: "TOKEN_FETCH_FAILED" });
      expect(await store.get(KEY)).toBeNull();
    });

    it("rejects bad options with INVALID_ARGUMENT naming the field", () => {
      const cases: [Partial<TokenProviderOptions> | Record<string, unknown>, string][] = [
        [{ key: "" }, "key"],
        [{ key: "rapatin:\u0000" }, "key"],
        [{ holderId: "worker\u0000" }, "holderId"],
        [{ leaseMs: -1 }, "leaseMs"],
        [{ fetchTimeoutMs: 1.5 }, "fetchTimeoutMs"],
        [{ store: { get: async () => null } as never }, "store"],
        [{ store: { ...store, releaseLease: undefined } as never }, "store"],
        [{ fetchToken: "nope" as never }, "fetchToken"],
        [{ fetchTokn: async () => ({ token: "x" }) }, "fetchTokn"],
        [{ leaseMs: 10_000 }, "fetchTimeoutMs"],
      ];
      for (const [override, field] of cases) {
        expect(() => provider(override as Partial<TokenProviderOptions>)).toThrow(
          expect.objectContaining({
            code: "INVALID_ARGUMENT",
            issues: expect.arrayContaining([expect.stringContaining(field)]),
          }),
        );
      }
    });

    it("never puts the token into an event", async () => {
      const tokens = provider();
      await tokens.getToken();
      await tokens.getToken();
      await tokens.withToken(async (t) => t);
      await tokens.invalidate();
      expect(events.length).toBeGreaterThan(3);
      for (const event of events) {
        expect(Object.keys(event).sort()).toEqual(["key", "type"]);
        expect(JSON.stringify(event)).not.toContain("token-");
      }
    });
  });

  describe("leases between processes (two providers, one store)", () => {
    it("lets only the lease holder log in; the other waits and reuses its token", async () => {
      let release: () => void = () => {};
      const slow = new FakeTokenEndpoint({
        expiresIn: 3600,
        delay: () =>
          new Promise<void>((resolve) => {
            release = resolve;
          }),
      });
      const a = provider({ fetchToken: slow.fetchToken, holderId: "a" });
      const b = provider({ fetchToken: slow.fetchToken, holderId: "b" });
      const first = a.getToken();
      await flush();
      const second = b.getToken();
      await flush();
      expect(events.map((e) => e.type)).toContain("wait_for_lease");
      clock.advance(100);
      await flush();
      release();
      await flush();
      clock.advance(100);
      expect(await Promise.all([first, second])).toEqual(["token-1", "token-1"]);
      expect(slow.logins).toBe(1);
      // Released after storing: anyone can take it now.
      expect(await store.acquireLease(KEY, "c", clock.now() + 1000)).toBe(true);
    });

    it("has ten providers on one cold store log in once between them", async () => {
      const providers = Array.from({ length: 10 }, (_, i) => provider({ holderId: `p${i}` }));
      let done = false;
      const all = Promise.all(providers.flatMap((p) => [p.getToken(), p.getToken()])).finally(
        () => {
          done = true;
        },
      );
      while (!done) {
        await flush();
        clock.advance(100);
      }
      expect(new Set(await all)).toEqual(new Set(["token-1"]));
      expect(endpoint.logins).toBe(1);
    });

    it("takes over when the holder's lease runs out without a token", async () => {
      expect(await store.acquireLease(KEY, "crashed-process", clock.now() + 30_000)).toBe(true);
      const tokens = provider({ holderId: "survivor" });
      let settled: string | undefined;
      const pending = tokens.getToken().then((token) => {
        settled = token;
      });
      for (let waited = 0; waited < 29_900; waited += 100) {
        await flush();
        clock.advance(100);
      }
      await flush();
      expect(settled).toBeUndefined();
      expect(endpoint.logins).toBe(0);
      clock.advance(100);
      await pending;
      expect(settled).toBe("token-1");
      expect(endpoint.logins).toBe(1);
    });

    it("sweeps expired rows after a login", async () => {
      await store.set("stale:key", { value: "old", expiresAt: clock.now() - 1 });
      await provider().getToken();
      await flush();
      expect(await store.get("stale:key")).toBeNull();
    });
  });

  describe("short-lived tokens", () => {
    it("reuses a token that lives no longer than refreshSkewMs: expiresIn 60 with the default 60 s skew -> 5 calls, 1 login", async () => {
      endpoint = new FakeTokenEndpoint({ expiresIn: 60 });
      const tokens = provider();
      for (let i = 0; i < 5; i += 1) {
        expect(await tokens.getToken()).toBe("token-1");
        clock.advance(5_000);
      }
      expect(endpoint.logins).toBe(1);
    });

    it("caps the skew at half the token's lifetime, not less", async () => {
      endpoint = new FakeTokenEndpoint({ expiresIn: 60 });
      const tokens = provider();
      expect(await tokens.getToken()).toBe("token-1");
      clock.advance(30_000 - 1);
      expect(await tokens.getToken()).toBe("token-1");
      clock.advance(1);
      expect(await tokens.getToken()).toBe("token-2");
      expect(endpoint.logins).toBe(2);
    });

    it("keeps the configured skew when it is under half the lifetime", async () => {
      endpoint = new FakeTokenEndpoint({ expiresIn: 60 });
      const tokens = provider({ refreshSkewMs: 10_000 });
      await tokens.getToken();
      clock.advance(50_000 - 1);
      expect(await tokens.getToken()).toBe("token-1");
      clock.advance(1);
      expect(await tokens.getToken()).toBe("token-2");
    });
  });

  describe("auth errors the default isAuthError recognizes", () => {
    const shapes: [string, () => unknown][] = [
      [
        "an error with status 401 (fetch-style)",
        () => Object.assign(new Error("401"), { status: 401 }),
      ],
      [
        "a ky HTTPError, which carries only response.status",
        () =>
          Object.assign(new Error("Request failed with status code 401"), {
            response: { status: 401 },
          }),
      ],
    ];
    for (const [name, make] of shapes) {
      it(`retries after ${name}`, async () => {
        const tokens = provider();
        let calls = 0;
        const result = await tokens.withToken(async (token) => {
          calls += 1;
          if (calls === 1) throw make();
          return token;
        });
        expect(result).toBe("token-2");
        expect(endpoint.logins).toBe(2);
      });
    }

    it("does not retry a 403, a response 500, or a thrown non-object", async () => {
      for (const error of [
        Object.assign(new Error("403"), { status: 403 }),
        Object.assign(new Error("500"), { response: { status: 500 } }),
        "401",
        null,
      ]) {
        const run = vi.fn(async () => {
          throw error;
        });
        await expect(provider().withToken(run)).rejects.toBe(error);
        expect(run).toHaveBeenCalledTimes(1);
      }
    });
  });

  describe("bookkeeping", () => {
    /**
     * The store, with each `get` split into when it reads and when its answer
     * arrives, and deletes held until `finishDelete()`: database round trips
     * that interleave the way a busy server makes them.
     */
    function steppedStore() {
      const gets: { read: () => Promise<void>; answer: () => void }[] = [];
      let finishDelete: () => void = () => {};
      const held = () =>
        new Promise<void>((resolve) => {
          finishDelete = resolve;
        });
      const stepped: TokenStore = {
        get: (key) =>
          new Promise((resolve) => {
            let value: Awaited<ReturnType<TokenStore["get"]>> = null;
            gets.push({
              read: async () => {
                value = await store.get(key);
              },
              answer: () => resolve(value),
            });
          }),
        set: (key, token) => store.set(key, token),
        delete: async (key) => {
          await held();
          await store.delete(key);
        },
        compareAndDelete: async (key, value) => {
          await held();
          return store.compareAndDelete(key, value);
        },
      };
      return { stepped, gets, finishDelete: () => finishDelete() };
    }

    it("a caller arriving during invalidate does not join a lookup begun before it", async () => {
      await store.set(KEY, { value: "old", expiresAt: clock.now() + DAY });
      const { stepped, gets, finishDelete } = steppedStore();
      const tokens = provider({ store: stepped });
      const before = tokens.getToken();
      await flush();
      await gets[0]?.read();
      const invalidated = tokens.invalidate();
      await flush();
      const during = tokens.getToken();
      await flush();
      finishDelete();
      await invalidated;
      gets[0]?.answer();
      expect(await before).toBe("old");
      // Its own lookup reads only after the delete went through.
      await gets[1]?.read();
      gets[1]?.answer();
      expect(await during).toBe("token-1");
    });

    it("a caller arriving after invalidate does not join a lookup begun while it was deleting", async () => {
      await store.set(KEY, { value: "old", expiresAt: clock.now() + DAY });
      const { stepped, gets, finishDelete } = steppedStore();
      const tokens = provider({ store: stepped });
      const invalidated = tokens.invalidate();
      await flush();
      const during = tokens.getToken();
      await flush();
      await gets[0]?.read();
      finishDelete();
      await invalidated;
      const after = tokens.getToken();
      await flush();
      gets[0]?.answer();
      expect(await during).toBe("old");
      await gets[1]?.read();
      gets[1]?.answer();
      expect(await after).toBe("token-1");
    });

    it("caches store tokens again once an invalidate has finished", async () => {
      const { store: counted, calls } = countingStore(store);
      const tokens = provider({ store: counted });
      await tokens.getToken();
      await tokens.invalidate();
      await store.set(KEY, { value: "from-elsewhere", expiresAt: clock.now() + DAY });
      expect(await tokens.getToken()).toBe("from-elsewhere");
      const reads = calls.get;
      expect(await tokens.getToken()).toBe("from-elsewhere");
      expect(calls.get).toBe(reads);
    });

    it("a caller whose token was rejected looks again when the lookup it joined brings that token back", async () => {
      await store.set(KEY, { value: "rejected", expiresAt: clock.now() + DAY });
      const { stepped, gets, finishDelete } = steppedStore();
      const tokens = provider({ store: stepped });
      const used: string[] = [];
      const call = tokens.withToken(async (token) => {
        used.push(token);
        if (token === "rejected") throw new FakeUnauthorizedError();
        return token;
      });
      await flush();
      await gets[0]?.read();
      gets[0]?.answer();
      await flush();
      // Another caller starts a lookup that reads the store before the delete.
      const other = tokens.getToken();
      await flush();
      await gets[1]?.read();
      finishDelete();
      await flush();
      gets[1]?.answer();
      expect(await other).toBe("rejected");
      await flush();
      await gets[2]?.read();
      gets[2]?.answer();
      expect(await call).toBe("token-1");
      expect(used).toEqual(["rejected", "token-1"]);
      expect(endpoint.logins).toBe(1);
    });

    it("re-checks the store after winning the lease and takes a token stored meanwhile", async () => {
      const raced: TokenStore = {
        get: (key) => store.get(key),
        set: (key, token) => store.set(key, token),
        delete: (key) => store.delete(key),
        compareAndDelete: (key, value) => store.compareAndDelete(key, value),
        acquireLease: async (key, holder, until) => {
          // Another process logged in between our first read and our lease.
          await store.set(key, { value: "stored-meanwhile", expiresAt: clock.now() + DAY });
          return store.acquireLease(key, holder, until);
        },
        releaseLease: (key, holder) => store.releaseLease(key, holder),
      };
      expect(await provider({ store: raced }).getToken()).toBe("stored-meanwhile");
      expect(endpoint.logins).toBe(0);
    });

    it("names each lookup's lease apart, so two lookups of one process cannot both log in", async () => {
      const holders: string[] = [];
      const recording: TokenStore = {
        get: (key) => store.get(key),
        set: (key, token) => store.set(key, token),
        delete: (key) => store.delete(key),
        compareAndDelete: (key, value) => store.compareAndDelete(key, value),
        acquireLease: (key, holder, until) => {
          holders.push(holder);
          return store.acquireLease(key, holder, until);
        },
        releaseLease: (key, holder) => store.releaseLease(key, holder),
      };
      let release: () => void = () => {};
      const slow = new FakeTokenEndpoint({
        expiresIn: 3600,
        delay: () =>
          new Promise<void>((resolve) => {
            release = resolve;
          }),
      });
      const tokens = provider({ store: recording, fetchToken: slow.fetchToken, holderId: "w" });
      const first = tokens.getToken();
      await flush();
      // An invalidate makes the next caller start a lookup of its own.
      await tokens.invalidate();
      const second = tokens.getToken();
      await flush();
      expect(holders).toEqual(["w/1", "w/2"]);
      expect(slow.logins).toBe(1);
      release();
      await flush();
      clock.advance(100);
      await flush();
      expect(await first).toBe("token-1");
      expect(await second).toBe("token-1");
      expect(slow.logins).toBe(1);
    });

    it("stops handing out a rejected token while its replacement is being fetched", async () => {
      let hold = false;
      let release: () => void = () => {};
      endpoint = new FakeTokenEndpoint({
        expiresIn: 3600,
        delay: () =>
          hold
            ? new Promise<void>((resolve) => {
                release = resolve;
              })
            : Promise.resolve(),
      });
      const tokens = provider();
      expect(await tokens.getToken()).toBe("token-1");
      endpoint.revokeAll();
      hold = true;
      const rejected = tokens.withToken((token) => endpoint.call(token));
      await flush();
      let other: string | undefined;
      const meanwhile = tokens.getToken().then((token) => {
        other = token;
      });
      await flush();
      expect(other).toBeUndefined();
      release();
      await meanwhile;
      expect(other).toBe("token-2");
      expect(await rejected).toBe("ok with token-2");
    });

    it("does not take the rejected token back from a store that still holds it", async () => {
      // As when the delete lost a race with a writer that put the same token back.
      const stubborn: TokenStore = {
        get: (key) => store.get(key),
        set: (key, token) => store.set(key, token),
        delete: (key) => store.delete(key),
        compareAndDelete: async () => false,
        acquireLease: (key, holder, until) => store.acquireLease(key, holder, until),
        releaseLease: (key, holder) => store.releaseLease(key, holder),
      };
      await store.set(KEY, { value: "rejected", expiresAt: clock.now() + DAY });
      const used: string[] = [];
      const result = await provider({ store: stubborn }).withToken(async (token) => {
        used.push(token);
        if (token === "rejected") throw new FakeUnauthorizedError();
        return token;
      });
      expect(result).toBe("token-1");
      expect(used).toEqual(["rejected", "token-1"]);
    });

    it("leaves no timer running once a login has answered", async () => {
      let running = 0;
      const counted = (ms: number, signal?: AbortSignal) => {
        running += 1;
        return clock.sleep(ms, signal).finally(() => {
          running -= 1;
        });
      };
      const tokens = provider({ sleep: counted });
      expect(await tokens.getToken()).toBe("token-1");
      await flush();
      expect(running).toBe(0);
    });
  });
});
