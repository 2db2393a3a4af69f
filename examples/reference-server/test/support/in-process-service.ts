import { type RunningServer, startServer } from "../../src/server.js";
import { ADMIN_KEY } from "./service-client.js";

/** The whole service in this process, listening on a free port of 127.0.0.1. */
export function startInProcess(env: Record<string, string>): Promise<RunningServer> {
  return startServer({
    port: 0,
    env: {
      HOST: "127.0.0.1",
      ADMIN_API_KEY: ADMIN_KEY,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
      QUEUE_POLL_SECONDS: "0.5",
      JOB_RETRY_DELAY_SECONDS: "1",
      OUTBOX_IDLE_MS: "50",
      ...env,
    },
  });
}
