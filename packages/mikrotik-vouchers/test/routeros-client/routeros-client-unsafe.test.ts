import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { FakeRouterOsServer } from "../../src/testing.js";

// Why this package ships no `routeros-client` adapter: the published library
// (1.1.2, over node-routeros 1.6.9, both discontinued) fails in two ways a
// voucher system cannot wrap. Each run is a child process, as one of them ends it.

const probe = fileURLToPath(new URL("./probe.cjs", import.meta.url));
let server: FakeRouterOsServer | undefined;
afterEach(async () => {
  await server?.close();
});

function runProbe(port: number, what: "empty" | "number") {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [probe, String(port), what],
      { timeout: 20_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

it("routeros-client: a print answered with !empty (RouterOS ≥ 7.18) kills the process despite an error listener and try/catch", async () => {
  server = await FakeRouterOsServer.start({ emptyReplies: true });
  const { code, stdout, stderr } = await runProbe(server.port, "empty");
  expect(code, "the process died").not.toBe(0);
  expect(stderr, "uncaught").toContain("Tried to process unknown reply: !empty");
  expect(stdout, "neither the listener nor the catch saw it").not.toMatch(/listener|caught|found/);
});

it("routeros-client: a user added as name=0123 reads back as the number 123", async () => {
  server = await FakeRouterOsServer.start({ emptyReplies: false });
  const { code, stdout } = await runProbe(server.port, "number");
  expect(code, "ran to the end").toBe(0);
  expect(JSON.parse(stdout.trim()), "0123 became 123").toEqual({ name: 123, type: "number" });
  expect(server.users()[0]?.name, "the router holds the string").toBe("0123");
});
