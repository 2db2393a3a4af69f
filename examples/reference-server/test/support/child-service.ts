import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ADMIN_KEY } from "./service-client.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

export interface ChildService {
  url: string;
  process: ChildProcess;
  /** Every log line so far. */
  logs: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `src/main.ts` in a child process, as `pnpm start` runs it; resolves once it listens. */
export async function startChild(env: Record<string, string>): Promise<ChildService> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOST: "127.0.0.1",
      PORT: "0",
      ADMIN_API_KEY: ADMIN_KEY,
      LOG_LEVEL: "info",
      QUEUE_POLL_SECONDS: "0.5",
      JOB_RETRY_DELAY_SECONDS: "1",
      OUTBOX_IDLE_MS: "50",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(
      () => reject(new Error(`The service did not start in 90 s:\n${logs.join("\n")}`)),
      90_000,
    );
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        logs.push(line);
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === "listening" && entry.url) {
            clearTimeout(timer);
            resolve(entry.url);
          }
        } catch {
          // Not a log line (a stack trace on stderr); kept in logs.
        }
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(`The service exited (${code ?? signal}) before listening:\n${logs.join("\n")}`),
      );
    });
  });
  return { url, process: child, logs, exited };
}
