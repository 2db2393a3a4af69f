// Behaviour a mutation run showed no other test pins down: the wording of
// login failures, the events observers see, the lease-wait loop, and the
// expiry edges. Each test names what would go unnoticed without it.
import {
  createTokenProvider,
  MemoryTokenStore,
  type StoredToken,
  type TokenEvent,
  type TokenProviderOptions,
  type TokenStore,
} from "@lunas/core";
import { FakeTokenEndpoint, ManualClock } from "@lunas/core/testing";
import { beforeEach, describe, expect, it } from "vitest";

const KEY = "rapatin:ops@example.com";

/** A store without leases, backed by a map; only what each test needs is added to it. */
function plainStore(): TokenStore & { values: Map<string, StoredToken> } {
  const values = new Map<string, StoredToken>();
  return {
    values,
    get: async (key) => values.get(key) ?? null,
    set: async (key, token) => {
      values.set(key, token);
    },
    delete: async (key) => {
      values.delete(key);
    },
    compareAndDelete: async (key, value) => {
      if (values.get(key)?.value !== value) return false;
      values.delete(key);
      return true;
    },
  };
}

describe("createTokenProvider: what a mutation run found untested", () => {
  let clock: ManualClock;
  let store: MemoryTokenStore;
  let endpoint: FakeTokenEndpoint;
  let events: TokenEvent["type"][];

  const provider = (overrides: Partial<TokenProviderOptions> = {}) =>
    createTokenProvider({
      key: KEY,
      store,
      fetchToken: endpoint.fetchToken,
      clock,
      sleep: clock.sleep,
      onEvent: (event) => events.push(event.type),
      ...overrides,
    });

  const failureOf = async (fetchToken: TokenProviderOptions["fetchToken"]) =>
    (
      (await provider({ fetchToken })
        .getToken()
        .catch((e: unknown) => e)) as Error
    ).message;

  beforeEach(() => {
    clock = new ManualClock();
    store = new MemoryTokenStore({ clock });
    endpoint = new FakeTokenEndpoint({ expiresIn: 3600 });
    events = [];
  });

  describe("a failed login names its cause by name and status only", () => {
    it("an Error with a status, ky's HTTPError shape, a plain Error, null and a string", async () => {
      const prefix = `Login for token ${JSON.stringify(KEY)} failed`;
      expect(
        await failureOf(async () => {
          throw Object.assign(new Error("secret"), { status: 500 });
        }),
      ).toBe(`${prefix} (Error, HTTP 500); see cause`);
      expect(
        await failureOf(async () => {
          throw Object.assign(new Error("secret"), {
            name: "HTTPError",
            response: { status: 503 },
          });
        }),
      ).toBe(`${prefix} (HTTPError, HTTP 503); see cause`);
      expect(
        await failureOf(async () => {
          throw new TypeError("fetch failed");
        }),
      ).toBe(`${prefix} (TypeError); see cause`);
      expect(
        await failureOf(async () => {
          throw null;
        }),
      ).toBe(`${prefix} (object); see cause`);
      expect(
        await failureOf(async () => {
          throw "secret";
        }),
      ).toBe(`${prefix} (string); see cause`);
      // A name that is not a string is not echoed; the type of the thrown value is.
      expect(
        await failureOf(async () => {
          throw { name: 42, status: "401" };
        }),
      ).toBe(`${prefix} (object); see cause`);
    });

    it("an unusable login answer lists every problem with its field, or (root)", async () => {
      const prefix = `Login for token ${JSON.stringify(KEY)} returned no usable { token, expiresIn?, expiresAt? }: `;
      expect(await failureOf(async () => ({ token: "", expiresIn: -1 }))).toBe(
        `${prefix}token: Too small: expected string to have >=1 characters; expiresIn: Too small: expected number to be >0`,
      );
      expect(await failureOf(async () => "bare" as never)).toBe(
        `${prefix}(root): Invalid input: expected object, received string`,
      );
    });
  });

  it("refuses a token that expires at the very moment of the login", async () => {
    await expect(
      provider({ fetchToken: async () => ({ token: "t", expiresAt: clock.now() }) }).getToken(),
    ).rejects.toMatchObject({ code: "TOKEN_FETCH_FAILED" });
    expect(await store.get(KEY)).toBeNull();
  });

  it("reports each event by its type: store hit, memory hit, then a rejected token", async () => {
    await store.set(KEY, { value: "stored", expiresAt: clock.now() + 3_600_000 });
    const tokens = provider();
    expect(await tokens.getToken()).toBe("stored");
    expect(await tokens.getToken()).toBe("stored");
    expect(events).toEqual(["cache_hit", "cache_hit"]);
    events.length = 0;
    let calls = 0;
    await tokens.withToken(async (token) => {
      calls += 1;
      if (calls === 1) throw Object.assign(new Error("401"), { status: 401 });
      return token;
    });
    expect(events).toEqual(["cache_hit", "retry_after_auth_error", "invalidate", "login"]);
  });

  it("stops reusing a token read from the store refreshSkewMs before its expiry", async () => {
    await store.set(KEY, { value: "stored", expiresAt: clock.now() + 120_000 });
    const tokens = provider({ refreshSkewMs: 60_000 });
    expect(await tokens.getToken()).toBe("stored");
    clock.advance(60_000);
    expect(await tokens.getToken()).toBe(endpoint.issued[0]);
    expect(endpoint.logins).toBe(1);
  });

  it("rejects a withToken callback that is not a function before logging in, naming it", async () => {
    const tokens = provider();
    await expect(tokens.withToken("not a function" as never)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining("withToken callback"),
    });
    expect(endpoint.logins).toBe(0);
  });

  it("names its options in the error for bad options", () => {
    expect(() => provider({ leaseMs: -1 })).toThrow(/token provider options/);
  });

  it("a waiter polls until another process's token appears, announcing the wait once", async () => {
    // Another process holds the lease for good; its token shows up on the fourth read.
    const inner = plainStore();
    let reads = 0;
    const busy: TokenStore = {
      ...inner,
      get: async (key) => {
        reads += 1;
        if (reads === 4)
          await inner.set(key, { value: "theirs", expiresAt: clock.now() + 3_600_000 });
        return inner.get(key);
      },
      acquireLease: async () => false,
      releaseLease: async () => {},
    };
    const tokens = provider({ store: busy, sleep: async () => {} });
    expect(await tokens.getToken()).toBe("theirs");
    expect(events.filter((type) => type === "wait_for_lease")).toHaveLength(1);
    expect(endpoint.logins).toBe(0);
  });
  it("a late 401 on the old token keeps the newer token in memory", async () => {
    let gets = 0;
    const counting: TokenStore = {
      get: (key) => {
        gets += 1;
        return store.get(key);
      },
      set: (key, token) => store.set(key, token),
      delete: (key) => store.delete(key),
      compareAndDelete: (key, value) => store.compareAndDelete(key, value),
    };
    const tokens = provider({ store: counting });
    const rejectOld = (old: string) => async (token: string) => {
      if (token === old) throw Object.assign(new Error("401"), { status: 401 });
      return token;
    };
    const old = await tokens.getToken();
    // B holds the old token until A has already replaced it.
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const b = tokens.withToken(async (token) => {
      await gate;
      return rejectOld(old)(token);
    });
    const fresh = await tokens.withToken(rejectOld(old));
    expect(fresh).not.toBe(old);
    gets = 0;
    release();
    expect(await b).toBe(fresh);
    expect(gets).toBe(0);
    expect(endpoint.logins).toBe(2);
  });
});

describe("createTokenProvider: the wording of refusals a mutation run found unpinned", () => {
  const base = (overrides: Partial<TokenProviderOptions> = {}) =>
    createTokenProvider({
      key: KEY,
      store: plainStore(),
      fetchToken: async () => ({ token: "t-1", expiresIn: 3600 }),
      clock: new ManualClock(),
      ...overrides,
    });

  it("a clock reading that is no time is refused naming the clock", async () => {
    await expect(base({ clock: { now: () => Number.NaN } }).getToken()).rejects.toThrow(
      /^Invalid clock\.now\(\) reading: /,
    );
  });

  it("an expiry past the range of a Date is refused saying so", async () => {
    await expect(
      base({ fetchToken: async () => ({ token: "t-1", expiresAt: 9e15 }) }).getToken(),
    ).rejects.toThrow(
      `Login for token ${JSON.stringify(KEY)} returned an expiry outside the range of a Date`,
    );
  });

  it("withToken given no function says what it expects", async () => {
    await expect(base().withToken("run" as never)).rejects.toThrow(
      "must be a function (token) => Promise",
    );
  });
});
