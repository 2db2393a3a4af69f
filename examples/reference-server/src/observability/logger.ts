import { type Logger, pino } from "pino";

/** Paths pino replaces with `[redacted]` wherever they appear in a log line. */
export const REDACTED_PATHS = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  'headers["x-callback-token"]',
  "*.secretKey",
  "*.password",
  "*.token",
  "*.apiKey",
  "*.serverKey",
  "*.connectionString",
  "*.databaseUrl",
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "lunas-reference-server" },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
