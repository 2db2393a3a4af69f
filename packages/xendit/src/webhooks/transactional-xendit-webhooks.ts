import { type Clock, parseInput, type SqlExecutor, WebhookHandlerError } from "@lunas/core";
import {
  createTransactionalProcessor,
  enqueueInOutbox,
  type OutboxJob,
} from "@lunas/core/postgres";
import {
  callableSchema,
  clockSchema,
  queueNameSchema,
  sqlExecutorSchema,
} from "@lunas/core/validation";
import { z } from "zod";
import { createLedger, type RecordResult } from "../ledger/create-ledger.js";
import type { PaymentStatus } from "../ledger/ledger-store.js";
import type { OrderLink } from "../ledger/order-link.js";
import {
  PostgresLedgerStore,
  type PostgresLedgerStoreOptions,
} from "../ledger/postgres-ledger-store.js";
import {
  createXenditEndpoint,
  endpointOptionShape,
  type HeadersLike,
  type ReceiveResult,
  type WebhookErrorContext,
} from "./xendit-endpoint.js";
import { fingerprintOf, type UnknownXenditEvent, type XenditEvent } from "./xendit-events.js";

/** What `onEvent` gets besides the event: the delivery's transaction and what the ledger recorded in it. */
export interface TransactionalEventContext {
  /** The claim's transaction: write only through it, so your rows commit with the payment or not at all. */
  tx: SqlExecutor;
  recorded: RecordResult;
}

export interface TransactionalXenditWebhooksOptions {
  /** A `pg` pool or PGlite executor on the database where `migrateCore` and `migrateXendit` ran. */
  executor: SqlExecutor;
  /** The account's callback verification token: one string, or one or two during a rotation. */
  verificationTokens: string | readonly string[];
  /** Schema of core's `lunas_idempotency` and `lunas_outbox`, and the ledger's default schema. Default `public`. */
  schema?: string;
  /** Where the ledger's tables are (an app's own orders table, say). Its `schema` defaults to `schema`. */
  ledger?: PostgresLedgerStoreOptions;
  /** How a payment finds its order; as `createLedger`'s `linkOrderBy`. */
  linkOrderBy?: readonly OrderLink[];
  /**
   * Queue one job on this queue for every paying event (`payment_session.completed`,
   * `invoice.paid`, `invoice.settled`) whose payment is linked to an order:
   * data `{orderId, sessionId, event, key}`, singleton key the order id.
   */
  fulfilmentQueue?: string;
  /** More jobs to queue in the delivery's transaction, through the outbox (`createOutboxRelay` moves them). */
  jobs?: (event: XenditEvent, recorded: RecordResult) => readonly OutboxJob[];
  /** The app's own writes for the event, inside the delivery's transaction; a throw rolls back everything (500, retried). */
  onEvent?: (event: XenditEvent, context: TransactionalEventContext) => unknown;
  /** Called for well-formed events this package has no schema for (acknowledged with 200, nothing written). */
  onUnknown?: (event: UnknownXenditEvent) => unknown;
  /** Told about a failing `onEvent`, `jobs` or `onUnknown`, and about database failures. Cannot change the answer. */
  onError?: (error: unknown, context: WebhookErrorContext) => unknown;
  clock?: Clock;
  /** Recorded on the claim, so a lease-path processor sharing the table honours it. Default 60 s. */
  leaseMs?: number;
  /** How long a processed event is replayed. Default 7 days, at least 2: Xendit retries for about 24 h. */
  retentionMs?: number;
  /** Larger bodies answer 413 PAYLOAD_TOO_LARGE, unread. Default 1 MiB. */
  maxBodyBytes?: number;
}

/** What a processed event left in the ledger; replays answer the first delivery's. */
export interface RecordedEvent {
  sessionId: string;
  orderId: string | null;
  status: PaymentStatus;
  /** Jobs queued in the transaction (fulfilment and `jobs`). */
  jobs: number;
}

export interface TransactionalReceiveResult extends ReceiveResult {
  recorded: RecordedEvent;
}

export interface TransactionalXenditWebhooks {
  /** Whether the request (or its headers) carries one of the configured tokens, compared in constant time. */
  verify(request: HeadersLike): boolean;
  /** Records an already parsed event (from a queue, a test) exactly as a delivery would. */
  receive(event: XenditEvent): Promise<TransactionalReceiveResult>;
  /** The webhook endpoint: the same answers as `createXenditWebhooks`'s handler. */
  handler(request: Request): Promise<Response>;
}

// Strict: a misspelt `fulfilmentQueue` would otherwise quietly queue nothing.
const optionsSchema = z.strictObject({
  ...endpointOptionShape,
  executor: sqlExecutorSchema,
  schema: z.string().min(1).default("public"),
  // Checked whole by the store and the ledger built from them below.
  ledger: z.record(z.string(), z.unknown()).optional(),
  linkOrderBy: z.array(z.unknown()).optional(),
  fulfilmentQueue: queueNameSchema.optional(),
  jobs: callableSchema<NonNullable<TransactionalXenditWebhooksOptions["jobs"]>>().optional(),
  onEvent: callableSchema<NonNullable<TransactionalXenditWebhooksOptions["onEvent"]>>().optional(),
  onUnknown:
    callableSchema<NonNullable<TransactionalXenditWebhooksOptions["onUnknown"]>>().optional(),
  onError: callableSchema<NonNullable<TransactionalXenditWebhooksOptions["onError"]>>().optional(),
  clock: clockSchema.optional(),
  leaseMs: z.number().int().positive().optional(),
});

const PAYING_EVENTS: ReadonlySet<string> = new Set([
  "payment_session.completed",
  "invoice.paid",
  "invoice.settled",
]);

/**
 * Xendit webhooks for a ledger on PostgreSQL or PGlite, each event in one
 * transaction: verify → parse → (claim, payment upsert and order link, the
 * app's `onEvent` writes, the fulfilment and `jobs` rows in the outbox,
 * completion) → 200. A crash or a throw anywhere before the commit leaves
 * nothing, so Xendit's redelivery runs it all again; a concurrent delivery of
 * the same event waits for the first transaction and replays its answer.
 * Effects outside the database belong in jobs, never in `onEvent`.
 */
export function createTransactionalXenditWebhooks(
  options: TransactionalXenditWebhooksOptions,
): TransactionalXenditWebhooks {
  const config = parseInput(optionsSchema, options, "transactional Xendit webhook options");
  const { schema, fulfilmentQueue, jobs, onEvent, onUnknown, onError, clock } = config;
  const ledgerOptions: PostgresLedgerStoreOptions = { schema, ...options.ledger };
  const linkOrderBy = options.linkOrderBy;
  const ledgerFor = (executor: SqlExecutor) =>
    createLedger({
      store: new PostgresLedgerStore(executor, ledgerOptions),
      ...(clock ? { clock } : {}),
      ...(linkOrderBy ? { linkOrderBy } : {}),
    });
  // Built once here so a bad `ledger` or `linkOrderBy` is refused now, not at the first delivery.
  ledgerFor(config.executor);

  const processor = createTransactionalProcessor({
    executor: config.executor,
    schema,
    retentionMs: config.retentionMs,
    ...(config.leaseMs !== undefined ? { leaseMs: config.leaseMs } : {}),
    ...(clock ? { clock } : {}),
  });

  const fulfilmentJobs = (event: XenditEvent, key: string, recorded: RecordResult) => {
    const { orderId, sessionId } = recorded.payment;
    if (!fulfilmentQueue || orderId === null || !PAYING_EVENTS.has(event.event)) return [];
    return [
      {
        queue: fulfilmentQueue,
        data: { orderId, sessionId, event: event.event, key },
        // One waiting fulfilment per order, however many paying events it gets.
        options: { singletonKey: orderId },
      },
    ];
  };

  const record = async (event: XenditEvent, key: string, tx: SqlExecutor) => {
    const recorded = await ledgerFor(tx).recordPaymentEvent(event);
    const fulfilment = fulfilmentJobs(event, key, recorded);
    for (const job of fulfilment) await enqueueInOutbox(tx, job, { schema });
    let appJobs: readonly OutboxJob[] = [];
    try {
      await onEvent?.(event, { tx, recorded });
      appJobs = jobs ? jobs(event, recorded) : [];
      for (const job of appJobs) await enqueueInOutbox(tx, job, { schema });
    } catch (error) {
      // The app's code (or its jobs) failed: 500 HANDLER_FAILED, not the database's INTERNAL_ERROR.
      throw new WebhookHandlerError(error);
    }
    const { sessionId, orderId, status } = recorded.payment;
    return {
      sessionId,
      orderId,
      status,
      jobs: fulfilment.length + appJobs.length,
    } satisfies RecordedEvent;
  };

  const endpoint = createXenditEndpoint<RecordedEvent>({
    verificationTokens: config.verificationTokens,
    maxBodyBytes: config.maxBodyBytes,
    runOnce: (event, key) =>
      processor.run(key, fingerprintOf(event), (tx) => record(event, key, tx)),
    unknownHandlers: onUnknown ? [onUnknown] : [],
    async reportError(error, context) {
      try {
        await onError?.(error, context);
      } catch {
        // An error reporter that fails must not turn into a second failure.
      }
    },
  });

  return {
    verify: endpoint.verify,
    handler: endpoint.handler,
    async receive(event) {
      const { key, replayed, result } = await endpoint.receive(event);
      return { key, replayed, recorded: result };
    },
  };
}
