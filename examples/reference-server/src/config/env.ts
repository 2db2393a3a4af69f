import { z } from "zod";

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();
const port = z.coerce.number().int().min(0).max(65_535);

/**
 * Every variable the service reads; `.env.example` documents each one.
 * A provider whose credentials are absent is replaced by its in-process
 * stand-in (demo mode), so an empty environment starts a working service.
 */
export const envSchema = z.object({
  NODE_ENV: optionalText,
  HOST: z.string().default("127.0.0.1"),
  PORT: port.default(3000),
  PUBLIC_URL: optionalText.pipe(z.url().optional()),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ADMIN_API_KEY: optionalText.pipe(
    z.string().min(16, "use at least 16 characters (e.g. `openssl rand -hex 32`)").optional(),
  ),

  DATABASE_URL: optionalText.pipe(z.url("must be a postgres:// connection string").optional()),
  PGLITE_DATA_DIR: z.string().default(".pglite-data/reference-server"),
  PGBOSS_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,49}$/)
    .default("pgboss"),

  XENDIT_SECRET_KEY: optionalText,
  XENDIT_CALLBACK_TOKEN: optionalText,
  XENDIT_BASE_URL: optionalText.pipe(z.url().optional()),

  RAPATIN_EMAIL: optionalText,
  RAPATIN_PASSWORD: optionalText,
  RAPATIN_BASE_URL: optionalText.pipe(z.url().optional()),

  ROUTEROS_HOST: optionalText,
  ROUTEROS_PORT: port.optional(),
  ROUTEROS_USER: optionalText,
  ROUTEROS_PASSWORD: z.string().default(""),
  HOTSPOT_LOGIN_URL: z.url().default("http://hotspot.lunas.test/login"),

  FONNTE_TOKEN: optionalText,
  FONNTE_BASE_URL: optionalText.pipe(z.url().optional()),
  FONNTE_WEBHOOK_SECRET: optionalText.pipe(z.string().min(16).optional()),

  GEMINI_API_KEY: optionalText,
  GEMINI_BASE_URL: optionalText.pipe(z.url().optional()),
  GEMINI_MODELS: z.string().default("gemini-2.5-flash,gemini-2.0-flash"),

  MIDTRANS_SERVER_KEY: optionalText,

  JOB_RETRY_LIMIT: z.coerce.number().int().min(0).max(100).default(8),
  JOB_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(2),
  QUEUE_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(1),
  JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  JOB_SUPERVISE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  VOUCHER_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  OUTBOX_IDLE_MS: z.coerce.number().int().min(10).max(60_000).default(200),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(25_000),
});

/**
 * Rules across variables, checked on the raw environment so that they are
 * reported together with the per-variable problems, not after those are fixed.
 */
function crossVariableProblems(source: Record<string, string | undefined>): string[] {
  const present = (name: string) => (source[name] ?? "").trim() !== "";
  const problems: string[] = [];
  const together = (names: string[], what: string) => {
    const given = names.filter(present);
    if (given.length === 0 || given.length === names.length) return;
    for (const name of names.filter((n) => !present(n))) {
      problems.push(
        `${name}: required with ${given.join(", ")} (${what}); set all of them, or none for the local stand-in`,
      );
    }
  };
  together(["XENDIT_SECRET_KEY", "XENDIT_CALLBACK_TOKEN"], "the real Xendit API");
  together(["RAPATIN_EMAIL", "RAPATIN_PASSWORD"], "the real Rapatin API");
  together(["ROUTEROS_HOST", "ROUTEROS_USER"], "a real MikroTik router");
  together(["FONNTE_TOKEN", "FONNTE_WEBHOOK_SECRET"], "the real Fonnte API");
  if (source.NODE_ENV === "production" && !present("ADMIN_API_KEY")) {
    problems.push("ADMIN_API_KEY: required when NODE_ENV=production (the demo key is public)");
  }
  return problems;
}

export type Env = z.infer<typeof envSchema>;

/** Thrown at start when the environment is wrong; lists every variable at fault. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = envSchema.safeParse(source);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.join(".") || "(env)"}: ${issue.message}`)),
    ...crossVariableProblems(source),
  ];
  if (parsed.success && problems.length === 0) return parsed.data;
  throw new ConfigError(problems);
}
