import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../", import.meta.url));

/**
 * Runs `script` (TypeScript, through tsx, from the repository root so its
 * `@lunas/*` imports resolve to the sources) as a real child process until it
 * prints `written` on stdout, then SIGKILLs it: the crash between a
 * transaction's writes and its commit that the exactly-once tests need.
 */
export async function killAfterWrites(script: string, args: readonly string[]): Promise<void> {
  const proc = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  proc.stderr.on("data", (chunk) => {
    stderr += String(chunk);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child never wrote: ${stderr}`)), 60_000);
    proc.stdout.on("data", (chunk) => {
      if (String(chunk).includes("written")) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code}) before its writes: ${stderr}`));
    });
  });
  const exited = new Promise((resolve) => proc.on("exit", resolve));
  proc.kill("SIGKILL");
  await exited;
}
