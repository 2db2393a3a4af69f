import { parseArgs } from "node:util";
import { LunasError } from "@lunas/core";
import { z } from "zod";

export const COMMANDS = ["migrate", "validate", "fix", "sync", "health", "user"] as const;
export type Command = (typeof COMMANDS)[number];

/** The configuration could not be used; the message says which flag or variable to change. */
export class CliConfigError extends LunasError {
  constructor(message: string) {
    super("CLI_CONFIG_INVALID", message);
  }
}

export const USAGE = `Usage: lunas-sync <command> [options]

Commands:
  migrate        apply the database migrations (PostgreSQL), then a full fix with a report
  validate       report drift between payments and grants, change nothing
  fix            repair drift (grant what was paid, remove duplicates; --revoke-extra also revokes unpaid grants)
  sync           fix, for cron: structured lines, records the run for \`health\`
  health         both sides reachable? age and result of the last run
  user <id>      one user's payments, grants and drift (--fix repairs them)

Options (environment variable in brackets):
  --backend postgres|dynamodb   [PAYMENT_SYNC_BACKEND] default postgres
  --database-url URL            [DATABASE_URL] PostgreSQL
  --schema NAME                 [PAYMENT_SYNC_SCHEMA] default public
  --source payments|xendit      [PAYMENT_SYNC_SOURCE] PostgreSQL payment source, default payments
  --payments-table NAME         [DYNAMODB_PAYMENTS_TABLE | PAYMENT_SYNC_PAYMENTS_TABLE]
  --users-table NAME            [DYNAMODB_USERS_TABLE | PAYMENT_SYNC_USERS_TABLE]
  --payments-user-index NAME    [DYNAMODB_PAYMENTS_USER_INDEX] default userId-index
  --paid-statuses A,B           [PAYMENT_SYNC_PAID_STATUSES] only rows whose status is one of these are payments
  --status-field NAME           [PAYMENT_SYNC_STATUS_FIELD] default status
  --order-user-column NAME      [PAYMENT_SYNC_ORDER_USER_COLUMN] xendit source, default user_id
  --order-item-column NAME      [PAYMENT_SYNC_ORDER_ITEM_COLUMN] xendit source, default item_id
  --region NAME                 [AWS_REGION]
  --dynamodb-endpoint URL       [DYNAMODB_ENDPOINT] (a local DynamoDB)
  --batch-size N  --concurrency N
  --dry-run  --revoke-extra  --fix (user)
  --json  --out FILE  --junit FILE  --fail-on-drift
  --log-file FILE               [PAYMENT_SYNC_LOG_FILE] append-only; reopened on SIGHUP
  --state-file FILE             [PAYMENT_SYNC_STATE_FILE] default .lunas-sync-state.json
  --max-age SECONDS             health: a last run older than this is unhealthy
  --verbose                     [DEBUG=true]

Exit codes: 0 clean, 1 drift found, 2 error.`;

const positiveInt = (name: string) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a positive whole number`)
    .transform(Number)
    .refine((n) => n > 0, `${name} must be a positive whole number`);

const configSchema = z
  .object({
    command: z.enum(COMMANDS, { message: `the command must be one of ${COMMANDS.join(", ")}` }),
    userId: z.string().min(1).optional(),
    backend: z.enum(["postgres", "dynamodb"], {
      message: "--backend must be postgres or dynamodb",
    }),
    databaseUrl: z.string().optional(),
    schema: z.string().default("public"),
    source: z.enum(["payments", "xendit"], { message: "--source must be payments or xendit" }),
    paymentsTable: z.string().optional(),
    usersTable: z.string().optional(),
    paymentsUserIndex: z.string().default("userId-index"),
    paidStatuses: z
      .string()
      .transform((list) =>
        list
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== ""),
      )
      .refine((list) => list.length > 0, "--paid-statuses must list at least one status")
      .optional(),
    statusField: z.string().min(1).default("status"),
    orderUserColumn: z.string().min(1).default("user_id"),
    orderItemColumn: z.string().min(1).default("item_id"),
    region: z.string().optional(),
    dynamodbEndpoint: z.url({ message: "--dynamodb-endpoint must be a URL" }).optional(),
    batchSize: positiveInt("--batch-size").optional(),
    concurrency: positiveInt("--concurrency").optional(),
    dryRun: z.boolean(),
    revokeExtra: z.boolean(),
    fix: z.boolean(),
    json: z.boolean(),
    out: z.string().optional(),
    junit: z.string().optional(),
    failOnDrift: z.boolean(),
    logFile: z.string().optional(),
    stateFile: z.string().default(".lunas-sync-state.json"),
    maxAge: positiveInt("--max-age").optional(),
    verbose: z.boolean(),
  })
  .superRefine((config, ctx) => {
    const need = (ok: unknown, message: string) => {
      if (!ok) ctx.addIssue({ code: "custom", message });
    };
    if (config.command === "user")
      need(config.userId, "user needs a user id: lunas-sync user <id>");
    if (config.backend === "postgres") {
      need(config.databaseUrl, "PostgreSQL needs --database-url or DATABASE_URL");
    } else {
      need(config.paymentsTable, "DynamoDB needs --payments-table or DYNAMODB_PAYMENTS_TABLE");
      need(config.usersTable, "DynamoDB needs --users-table or DYNAMODB_USERS_TABLE");
      need(config.region, "DynamoDB needs --region or AWS_REGION");
    }
  });

export type CliConfig = z.output<typeof configSchema>;

/** Flags win over environment variables; everything is checked before anything connects. */
export function readCliConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): CliConfig {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv);
  } catch (error) {
    throw new CliConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values: f, positionals } = parsed;
  const backend = f.backend ?? env.PAYMENT_SYNC_BACKEND ?? "postgres";
  const dynamo = backend === "dynamodb";
  const result = configSchema.safeParse({
    command: positionals[0],
    userId: positionals[1],
    backend,
    databaseUrl: f["database-url"] ?? env.DATABASE_URL,
    schema: f.schema ?? env.PAYMENT_SYNC_SCHEMA,
    source: f.source ?? env.PAYMENT_SYNC_SOURCE ?? "payments",
    paymentsTable:
      f["payments-table"] ??
      (dynamo ? env.DYNAMODB_PAYMENTS_TABLE : env.PAYMENT_SYNC_PAYMENTS_TABLE),
    usersTable:
      f["users-table"] ?? (dynamo ? env.DYNAMODB_USERS_TABLE : env.PAYMENT_SYNC_USERS_TABLE),
    paymentsUserIndex: f["payments-user-index"] ?? env.DYNAMODB_PAYMENTS_USER_INDEX,
    paidStatuses: f["paid-statuses"] ?? env.PAYMENT_SYNC_PAID_STATUSES,
    statusField: f["status-field"] ?? env.PAYMENT_SYNC_STATUS_FIELD,
    orderUserColumn: f["order-user-column"] ?? env.PAYMENT_SYNC_ORDER_USER_COLUMN,
    orderItemColumn: f["order-item-column"] ?? env.PAYMENT_SYNC_ORDER_ITEM_COLUMN,
    region: f.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    dynamodbEndpoint: f["dynamodb-endpoint"] ?? env.DYNAMODB_ENDPOINT,
    batchSize: f["batch-size"],
    concurrency: f.concurrency,
    dryRun: f["dry-run"] ?? false,
    revokeExtra: f["revoke-extra"] ?? false,
    fix: f.fix ?? false,
    json: f.json ?? false,
    out: f.out,
    junit: f.junit,
    failOnDrift: f["fail-on-drift"] ?? false,
    logFile: f["log-file"] ?? env.PAYMENT_SYNC_LOG_FILE,
    stateFile: f["state-file"] ?? env.PAYMENT_SYNC_STATE_FILE,
    maxAge: f["max-age"],
    verbose: (f.verbose ?? false) || env.DEBUG === "true" || env.DEBUG === "1",
  });
  if (!result.success) {
    // Messages name the flag and the variable, never a value: a value may be a credential.
    const problems = [...new Set(result.error.issues.map((issue) => issue.message))];
    throw new CliConfigError(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
  return result.data;
}

function parseFlags(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      backend: { type: "string" },
      "database-url": { type: "string" },
      schema: { type: "string" },
      source: { type: "string" },
      "payments-table": { type: "string" },
      "users-table": { type: "string" },
      "payments-user-index": { type: "string" },
      "paid-statuses": { type: "string" },
      "status-field": { type: "string" },
      "order-user-column": { type: "string" },
      "order-item-column": { type: "string" },
      region: { type: "string" },
      "dynamodb-endpoint": { type: "string" },
      "batch-size": { type: "string" },
      concurrency: { type: "string" },
      "dry-run": { type: "boolean" },
      "revoke-extra": { type: "boolean" },
      fix: { type: "boolean" },
      json: { type: "boolean" },
      out: { type: "string" },
      junit: { type: "string" },
      "fail-on-drift": { type: "boolean" },
      "log-file": { type: "string" },
      "state-file": { type: "string" },
      "max-age": { type: "string" },
      verbose: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
}

/** `postgres://user:***@host/db`: what may be shown of a connection string. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}
