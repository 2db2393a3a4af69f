import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const bin = fileURLToPath(new URL("../../src/cli/bin.ts", import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `lunas-sync` as a real child process (sources through tsx) and collects what it printed. */
export function runCliProcess(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", bin, ...args],
      {
        cwd: repoRoot,
        timeout: 60_000,
        // Only what the test gives: an inherited DATABASE_URL or AWS profile must not leak in.
        env: { PATH: process.env.PATH ?? "", CI: "true", NODE_NO_WARNINGS: "1", ...env },
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
  });
}
