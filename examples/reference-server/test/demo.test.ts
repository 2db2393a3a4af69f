import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { type ChildService, startChild } from "./support/child-service.js";
import { ADMIN_KEY } from "./support/service-client.js";

const root = fileURLToPath(new URL("../", import.meta.url));

// What a new user does after cloning: start the service with no configuration
// but the admin key (embedded database, every provider a stand-in), then run
// `pnpm demo` against it. Both run as their own processes, as the scripts do.
describe("pnpm start in demo mode, then pnpm demo", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "lunas-demo-"));
  let service: ChildService | undefined;

  afterAll(async () => {
    if (service) {
      service.process.kill("SIGTERM");
      await service.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("walks one purchase of each product type to fulfilled and prints the WhatsApp text", async () => {
    service = await startChild({ PGLITE_DATA_DIR: join(dataDir, "db") });
    expect(
      service.logs.some((line) => /demo mode/i.test(line)),
      "the log says loudly that stand-ins are in use",
    ).toBe(true);

    const demo = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", DEMO_URL: service.url, ADMIN_API_KEY: ADMIN_KEY },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    demo.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    demo.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        demo.kill("SIGKILL");
        reject(new Error(`pnpm demo did not finish in 80 s:\n${output}`));
      }, 80_000);
      demo.once("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });

    expect(code, output).toBe(0);
    expect(output.match(/^ {3}fulfilled /gm)?.length, output).toBe(3);
    expect(output, "the voucher codes went out over WhatsApp").toMatch(/WhatsApp to 62\d+:/);
    expect(output).toMatch(/Reconciliation: 0 user\(s\) with drift/);
  });
});
