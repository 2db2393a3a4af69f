import { createTokenProvider, MemoryTokenStore, type TokenStore } from "@lunas/core";
import { ManualClock } from "@lunas/core/testing";
import { describe, expect, it } from "vitest";

// Stores trust what the token provider gives them (the port's types say what
// that is). These cases were once the conformance suite's "store refuses bad
// input" tests; here they prove the provider refuses them before the store is
// written.
const T0 = Date.UTC(2026, 0, 1);

function recordingStore(): { store: TokenStore; writes: string[] } {
  const inner = new MemoryTokenStore();
  const writes: string[] = [];
  const store: TokenStore = {
    get: (key) => inner.get(key),
    set: (key, token) => {
      writes.push("set");
      return inner.set(key, token);
    },
    delete: (key) => {
      writes.push("delete");
      return inner.delete(key);
    },
    compareAndDelete: (key, value) => {
      writes.push("compareAndDelete");
      return inner.compareAndDelete(key, value);
    },
    acquireLease: (key, holder, until) => {
      writes.push("acquireLease");
      return inner.acquireLease(key, holder, until);
    },
    releaseLease: (key, holder) => inner.releaseLease(key, holder),
  };
  return { store, writes };
}

describe("the token provider validates before its store", () => {
  it("refuses an empty, over-long or U+0000 key, or a U+0000 holderId, with INVALID_ARGUMENT", () => {
    const { store } = recordingStore();
    const fetchToken = async () => ({ token: "t", expiresIn: 60 });
    for (const key of ["", "k".repeat(513), "k\u0000"]) {
      expect(() => createTokenProvider({ key, store, fetchToken })).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT" }),
      );
    }
    for (const holderId of ["", "one\u0000"]) {
      expect(() => createTokenProvider({ key: "k", store, fetchToken, holderId })).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT" }),
      );
    }
  });

  it("refuses a fetched token that is empty or has U+0000 without writing it", async () => {
    for (const token of ["", "v\u0000"]) {
      const { store, writes } = recordingStore();
      const provider = createTokenProvider({
        key: "k",
        store,
        clock: new ManualClock(T0),
        fetchToken: async () => ({ token, expiresIn: 60 }),
      });
      await expect(provider.getToken()).rejects.toMatchObject({ code: "TOKEN_FETCH_FAILED" });
      expect(writes).not.toContain("set");
      expect(await store.get("k")).toBeNull();
    }
  });

  it("refuses an expiry outside a Date's range without writing the token", async () => {
    const { store, writes } = recordingStore();
    const provider = createTokenProvider({
      key: "k",
      store,
      clock: new ManualClock(T0),
      fetchToken: async () => ({ token: "v", expiresAt: 1e300 }),
    });
    await expect(provider.getToken()).rejects.toMatchObject({ code: "TOKEN_FETCH_FAILED" });
    expect(writes).not.toContain("set");
  });

  it("refuses a NaN or infinite clock reading before taking a lease or writing", async () => {
    for (const reading of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const { store, writes } = recordingStore();
      const provider = createTokenProvider({
        key: "k",
        store,
        clock: { now: () => reading },
        fetchToken: async () => ({ token: "v", expiresIn: 60 }),
      });
      await expect(provider.getToken()).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      expect(writes).toEqual([]);
    }
  });
});
