import { ConfigError } from "./config/env.js";
import { startServer } from "./server.js";

/** `pnpm start`: the service, until SIGTERM or SIGINT. */
try {
  const server = await startServer();
  const stop = (signal: string) => {
    server.services.logger.info({ signal }, "signal received");
    const timer = setTimeout(() => {
      server.services.logger.error("shutdown took too long; exiting");
      process.exit(1);
    }, server.services.env.SHUTDOWN_TIMEOUT_MS + 5_000);
    timer.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.services.logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
