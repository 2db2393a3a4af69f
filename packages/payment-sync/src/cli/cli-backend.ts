import type { EntitlementStore } from "../entitlements/entitlement-store.js";
import type { PaymentSource } from "../payments/payment-source.js";
import type { CliConfig } from "./cli-config.js";
import { redactUrl } from "./cli-config.js";

/** The two sides the CLI reconciles, opened from its configuration. */
export interface CliBackend {
  /** What the run talks to, safe to print (no credentials). */
  description: string;
  source: PaymentSource;
  entitlements: EntitlementStore;
  /** Applies this package's SQL migrations; `[]` where there is nothing to migrate. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

// Drivers are imported when a backend is opened: each is an optional peer, and
// a DynamoDB user need not install pg (nor the reverse).
export async function openBackend(config: CliConfig): Promise<CliBackend> {
  return config.backend === "postgres" ? openPostgres(config) : openDynamoDb(config);
}

async function openPostgres(config: CliConfig): Promise<CliBackend> {
  const [{ createPgExecutor, createPgPool }, postgres] = await Promise.all([
    import("@lunas/core/postgres"),
    import("../postgres.js"),
  ]);
  const url = config.databaseUrl as string;
  const pool = createPgPool({
    connectionString: url,
    max: Math.max(2, (config.concurrency ?? 4) + 1),
  });
  const executor = createPgExecutor(pool);
  const schema = config.schema;
  const source =
    config.source === "xendit"
      ? new postgres.XenditLedgerPaymentSource(executor, {
          schema,
          orderColumns: { userId: config.orderUserColumn, itemId: config.orderItemColumn },
          ...(config.paymentsTable ? { paymentsTable: config.paymentsTable } : {}),
        })
      : new postgres.PostgresPaymentSource(executor, {
          schema,
          ...(config.paymentsTable ? { table: config.paymentsTable } : {}),
          ...(config.paidStatuses
            ? { paidWhen: { column: config.statusField, values: config.paidStatuses } }
            : {}),
        });
  return {
    description: `PostgreSQL ${redactUrl(url)} schema ${schema} (${config.source === "xendit" ? "Xendit ledger" : "payments table"})`,
    source,
    entitlements: new postgres.PostgresEntitlementStore(executor, {
      schema,
      ...(config.usersTable ? { table: config.usersTable } : {}),
    }),
    migrate: () => postgres.migratePaymentSync(executor, { schema }),
    close: () => pool.end(),
  };
}

async function openDynamoDb(config: CliConfig): Promise<CliBackend> {
  const [{ DynamoDBClient }, { DynamoDBDocumentClient }, dynamodb] = await Promise.all([
    import("@aws-sdk/client-dynamodb"),
    import("@aws-sdk/lib-dynamodb"),
    import("../dynamodb.js"),
  ]);
  // Credentials come from the SDK's default chain (environment, profile, role); this never reads or prints them.
  const raw = new DynamoDBClient({
    region: config.region as string,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 10_000 },
    ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
  });
  const client = DynamoDBDocumentClient.from(raw);
  return {
    description: `DynamoDB ${config.region}${config.dynamodbEndpoint ? ` at ${redactUrl(config.dynamodbEndpoint)}` : ""}: ${config.paymentsTable} / ${config.usersTable}`,
    source: new dynamodb.DynamoDbPaymentSource(client, {
      table: config.paymentsTable as string,
      userIndex: config.paymentsUserIndex,
      ...(config.paidStatuses
        ? { paidWhen: { attribute: config.statusField, values: config.paidStatuses } }
        : {}),
    }),
    entitlements: new dynamodb.DynamoDbEntitlementStore(client, {
      table: config.usersTable as string,
    }),
    migrate: async () => [],
    close: async () => raw.destroy(),
  };
}
