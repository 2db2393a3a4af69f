import { createTokenProvider, MemoryTokenStore } from "@lunas/core";
import { afterEach, describe, expect, it } from "vitest";
import { RevokingTokenServer, revokingTokenClient } from "./fixtures/revoking-token-server.js";

// The provider against a provider that answers over real HTTP after real
// durations, so callers that see a 401 really overlap with the login in flight
// (a fake answering in the same tick hid the storm). Time here is the system
// clock; the assertions count logins and calls, never milliseconds.
describe("createTokenProvider: a rejected token causes one login, however many callers saw it", () => {
  let server: RevokingTokenServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function warmProvider(options: { loginMs: number; callMs: number }) {
    server = await RevokingTokenServer.start(options);
    const client = revokingTokenClient(server.url);
    const store = new MemoryTokenStore();
    const tokens = createTokenProvider({ key: "api:ops", store, fetchToken: client.fetchToken });
    expect(await tokens.withToken(client.call)).toBe("token-1");
    return { server, client, store, tokens };
  }

  it("2 concurrent withToken calls failing 401 after 5 ms, login 20 ms -> 1 login", async () => {
    const { server, client, tokens } = await warmProvider({ loginMs: 20, callMs: 5 });
    server.expireAll();
    const results = await Promise.all([
      tokens.withToken(client.call),
      tokens.withToken(client.call),
    ]);
    expect(results).toEqual(["token-2", "token-2"]);
    expect(server.logins).toBe(2);
  });

  it("20 concurrent callers after server-side expiry -> 1 login, every call succeeds", async () => {
    const { server, client, store, tokens } = await warmProvider({ loginMs: 50, callMs: 10 });
    server.expireAll();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => tokens.withToken(client.call)),
    );
    expect(new Set(results)).toEqual(new Set(["token-2"]));
    expect(server.logins).toBe(2);
    expect(server.calls.unauthorized).toBe(20);
    expect(await store.get("api:ops")).toMatchObject({ value: "token-2" });
  });

  it("callers that arrive while the new login is in flight join it instead of starting another", async () => {
    const { server, client, tokens } = await warmProvider({ loginMs: 50, callMs: 10 });
    server.expireAll();
    // Three waves: the first sees the 401 and starts the login, the later ones
    // are rejected while it is still running, and the last start after it.
    const wave = () => Array.from({ length: 10 }, () => tokens.withToken(client.call));
    const first = wave();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = wave();
    const all = await Promise.all([...first, ...second]);
    const third = await Promise.all(wave());
    expect(new Set([...all, ...third])).toEqual(new Set(["token-2"]));
    expect(server.logins).toBe(2);
  });
});
