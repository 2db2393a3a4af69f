import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "@lunas/core/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createRouterOsClient, type RouterOsClient } from "../../src/routeros/routeros-client.js";
import {
  FakeRouterOsServer,
  type FakeRouterOsServerOptions,
} from "../../src/testing/fake-routeros-server.js";

const open: { server: FakeRouterOsServer; client: RouterOsClient }[] = [];

async function setup(
  serverOptions: FakeRouterOsServerOptions = {},
  clientOptions: Partial<Parameters<typeof createRouterOsClient>[0]> = {},
) {
  const server = await FakeRouterOsServer.start({ password: "s3cret", ...serverOptions });
  const client = createRouterOsClient({
    host: server.host,
    port: server.port,
    user: "admin",
    password: "s3cret",
    commandTimeoutMs: 5_000,
    ...clientOptions,
  });
  open.push({ server, client });
  return { server, client };
}

afterEach(async () => {
  for (const { server, client } of open.splice(0)) {
    await client.close();
    await server.close();
  }
});

describe("RouterOS API client: login", () => {
  it("logs in with name and password (RouterOS ≥ 6.43)", async () => {
    const { client } = await setup({ login: "plain" });
    const reply = await client.run("/system/identity/print");
    expect(reply.rows, "identity row").toEqual([{ name: "FakeRouter" }]);
  });

  it("logs in with the legacy MD5 challenge", async () => {
    const { client, server } = await setup({ login: "challenge" });
    await client.connect();
    expect(client.connected, "logged in").toBe(true);
    expect((await client.run("/system/identity/print")).rows).toHaveLength(1);
    expect(server.connections, "one connection").toBe(1);
  });

  it.each(["plain", "challenge"] as const)(
    "rejects a wrong password with ROUTEROS_LOGIN_FAILED (%s login)",
    async (login) => {
      const { client } = await setup({ login }, { password: "wrong" });
      await expect(client.run("/system/identity/print"), "wrong password").rejects.toMatchObject({
        code: "ROUTEROS_LOGIN_FAILED",
      });
    },
  );
});

describe("RouterOS API client: replies", () => {
  it("returns !re rows, =ret= of !done, and values as the router's strings", async () => {
    const { client } = await setup();
    const added = await client.run("/ip/hotspot/user/add", ["=name=0123", "=password=true"]);
    expect(added.ret, "id of the new user").toMatch(/^\*[0-9A-F]+$/);
    const { rows } = await client.run("/ip/hotspot/user/print", ["?name=0123"]);
    expect(rows[0]?.name, "0123 stays a string").toBe("0123");
    expect(rows[0]?.password, "true stays a string").toBe("true");
  });

  it("answers !empty with an empty result, without crashing the process", async () => {
    const { client } = await setup({ emptyReplies: true });
    const reply = await client.run("/ip/hotspot/user/print", ["?email=nobody@x.invalid"]);
    expect(reply, "!empty").toEqual({ rows: [], ret: undefined, empty: true });
    // The connection is still in step: the next command gets its own answer.
    expect((await client.run("/system/identity/print")).rows).toHaveLength(1);
  });

  it("answers a print that matches nothing on RouterOS < 7.18 (no !empty) the same way", async () => {
    const { client } = await setup({ emptyReplies: false });
    const reply = await client.run("/ip/hotspot/user/print", ["?name=missing"]);
    expect(reply, "plain !done").toEqual({ rows: [], ret: undefined, empty: false });
  });

  it("rejects !trap with the router's message and category, and keeps the connection", async () => {
    const { client, server } = await setup();
    const error = await client
      .run("/ip/hotspot/user/add", ["=name=a", "=profile=nope"])
      .catch((e: unknown) => e);
    expect(error, "unknown profile trap").toMatchObject({
      code: "ROUTEROS_TRAP",
      category: 1,
      routerMessage: "input does not match any value of profile",
    });
    await client.run("/ip/hotspot/user/add", ["=name=a"]);
    expect(server.connections, "trap did not cost the connection").toBe(1);
  });

  it("keeps a kilobyte-long word intact through the router", async () => {
    const { client } = await setup();
    const script = `:local c [/ip hotspot user get [find name="$user"] comment]; ${"x".repeat(20_000)}`;
    await client.run("/ip/hotspot/user/add", ["=name=k", `=comment=${script}`]);
    const { rows } = await client.run("/ip/hotspot/user/print", ["?name=k", "=.proplist=comment"]);
    expect(rows[0]?.comment, "20 kB comment").toBe(script);
  });
});

describe("RouterOS API client: failures never crash or hang", () => {
  it("rejects !fatal with ROUTEROS_FATAL, then reconnects on the next command", async () => {
    const { client, server } = await setup();
    await client.connect();
    server.fatalNext("too many commands before login");
    await expect(client.run("/system/identity/print"), "fatal").rejects.toMatchObject({
      code: "ROUTEROS_FATAL",
    });
    expect((await client.run("/system/identity/print")).rows, "after reconnect").toHaveLength(1);
    expect(server.connections, "reconnected once").toBe(2);
  });

  it("rejects every in-flight command when the connection drops mid-command, then reconnects", async () => {
    const { client, server } = await setup({ latencyMs: 20 });
    await client.connect();
    server.dropAfter(2, "/ip/hotspot/user/add");
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => client.run("/ip/hotspot/user/add", [`=name=u${i}`])),
    );
    const rejected = results.filter((r) => r.status === "rejected");
    expect(rejected.length, "dropped commands reject").toBeGreaterThan(0);
    for (const r of rejected) {
      expect((r as PromiseRejectedResult).reason, "typed").toMatchObject({
        code: "ROUTEROS_CONNECTION",
      });
    }
    expect(server.users().length, "only the two commands before the drop ran").toBe(2);
    await client.run("/ip/hotspot/user/add", ["=name=after"]);
    expect(server.connections, "reconnected").toBe(2);
  });

  it("times a stalled command out with ROUTEROS_TIMEOUT, closes the link and recovers", async () => {
    const clock = new ManualClock();
    const { client, server } = await setup(
      {},
      { clock, sleep: clock.sleep, commandTimeoutMs: 2_000 },
    );
    await client.connect();
    server.stall();
    const stalled = client.run("/system/identity/print");
    await vi.waitFor(() => expect(server.commands.length, "command reached the router").toBe(1));
    clock.advance(1_999);
    clock.advance(1);
    await expect(stalled, "timeout").rejects.toMatchObject({ code: "ROUTEROS_TIMEOUT" });
    expect(client.connected, "stalled connection closed").toBe(false);
    server.resume();
    expect((await client.run("/system/identity/print")).rows).toHaveLength(1);
  });

  it("fails fast with ROUTEROS_CONNECTION while the router refuses connections", async () => {
    const { client, server } = await setup();
    server.setDown(true);
    await expect(client.run("/system/identity/print"), "down").rejects.toMatchObject({
      code: "ROUTEROS_CONNECTION",
    });
    server.setDown(false);
    expect((await client.run("/system/identity/print")).rows, "back up").toHaveLength(1);
  });

  it("rejects with ROUTEROS_CONNECTION when nothing listens on the port", async () => {
    const { server } = await setup();
    const port = server.port;
    await server.close();
    const client = createRouterOsClient({ host: "127.0.0.1", port, user: "admin", password: "" });
    await expect(client.run("/system/identity/print"), "refused").rejects.toMatchObject({
      code: "ROUTEROS_CONNECTION",
    });
    await client.close();
  });

  it("rejects pending and later commands with ROUTEROS_CLOSED after close()", async () => {
    const { client, server } = await setup();
    await client.connect();
    server.stall();
    const pending = client.run("/system/identity/print");
    await vi.waitFor(() => expect(server.commands.length).toBe(1));
    await client.close();
    await expect(pending, "pending").rejects.toMatchObject({ code: "ROUTEROS_CLOSED" });
    await expect(client.run("/system/identity/print"), "later").rejects.toMatchObject({
      code: "ROUTEROS_CLOSED",
    });
  });

  it("refuses bad options and commands with INVALID_ARGUMENT", async () => {
    expect(() =>
      createRouterOsClient({ host: "r", user: "a", password: "", timeoutMs: 5 } as never),
    ).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    const { client } = await setup();
    await expect(client.run("ip/hotspot/user/print"), "no leading slash").rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(client.run("/ip/hotspot/user/print", [".tag=9"]), "own tag").rejects.toMatchObject(
      {
        code: "INVALID_ARGUMENT",
      },
    );
  });
});

describe("RouterOS API client: pipelining", () => {
  it("keeps at most maxInFlight tagged commands outstanding and answers each its own reply", async () => {
    const { client, server } = await setup({ latencyMs: 2 }, { maxInFlight: 8 });
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        client.run("/ip/hotspot/user/add", [`=name=p${String(i).padStart(3, "0")}`]),
      ),
    );
    expect(new Set(replies.map((r) => r.ret)).size, "100 distinct ids").toBe(100);
    expect(server.maxInFlightSeen, "window respected").toBeLessThanOrEqual(8);
    expect(server.maxInFlightSeen, "commands overlapped").toBeGreaterThan(1);
    const ids = new Map(server.users().map((u) => [u.name, u[".id"]]));
    replies.forEach((reply, i) => {
      expect(reply.ret, `reply ${i} matches its own user`).toBe(
        ids.get(`p${String(i).padStart(3, "0")}`),
      );
    });
  });
});

describe("RouterOS API client: TLS (api-ssl)", () => {
  const dir = mkdtempSync(join(tmpdir(), "routeros-tls-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
      "-subj",
      "/CN=router.local",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:router.local",
    ],
    { stdio: "ignore" },
  );
  const tls = {
    key: readFileSync(join(dir, "key.pem")),
    cert: readFileSync(join(dir, "cert.pem")),
  };
  rmSync(dir, { recursive: true, force: true });

  it("connects when the router's certificate is trusted as a CA", async () => {
    const { client } = await setup({ tls }, { tls: { ca: tls.cert } });
    expect((await client.run("/system/identity/print")).rows).toHaveLength(1);
  });

  it("refuses a self-signed certificate unless explicitly accepted", async () => {
    const { client } = await setup(
      { tls },
      { tls: { ca: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" } },
    );
    await expect(client.run("/system/identity/print"), "untrusted").rejects.toMatchObject({
      code: "ROUTEROS_CONNECTION",
    });
    const accepted = await setup({ tls }, { tls: { acceptSelfSigned: true } });
    expect((await accepted.client.run("/system/identity/print")).rows, "opt-in").toHaveLength(1);
  });
});
