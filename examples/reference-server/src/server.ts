import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createIdempotentProcessor } from "@lunas/core";
import { PgBossJobQueue } from "@lunas/core/pg-boss";
import { createOutboxRelay, PostgresIdempotencyStore } from "@lunas/core/postgres";
import { createWhatsAppAiBridge } from "@lunas/fonnte-ai";
import {
  PostgresIdentityResolver,
  PostgresRateLimiter,
  PostgresSessionStore,
} from "@lunas/fonnte-ai/postgres";
import { createVoucherService, RouterOsHotspotRouter } from "@lunas/mikrotik-vouchers";
import { PostgresVoucherStore } from "@lunas/mikrotik-vouchers/postgres";
import { createMidtransNotificationHandler, reconcile } from "@lunas/payment-sync";
import { PostgresEntitlementStore, PostgresPaymentSource } from "@lunas/payment-sync/postgres";
import { createMeetingBooker } from "@lunas/rapatin";
import { createLedger } from "@lunas/xendit";
import { PostgresLedgerStore } from "@lunas/xendit/postgres";
import type pino from "pino";
import { createApp } from "./app.js";
import { parseEnv } from "./config/env.js";
import { openDatabase } from "./database/database.js";
import { migrateAll } from "./database/migrate.js";
import { startQueueExclusively } from "./database/start-queue.js";
import { createFulfillers } from "./fulfilment/fulfillers.js";
import { createFulfilmentJobs, SERVER_QUEUES } from "./fulfilment/fulfilment-jobs.js";
import { createLogger } from "./observability/logger.js";
import { createMetrics } from "./observability/metrics.js";
import { createOrderService } from "./orders/order-service.js";
import { OrderDetailsStore } from "./orders/order-store.js";
import { createTransactionalXenditWebhook } from "./payments/xendit-webhook.js";
import { connectProviders } from "./providers/providers.js";
import { createReconciliation } from "./reconciliation/reconciliation.js";
import { whatsappVoucherDelivery } from "./vouchers/whatsapp-voucher-delivery.js";

export const DEMO_ADMIN_KEY = "demo-admin-key-change-me";
const DEMO_MIDTRANS_SERVER_KEY = "demo-midtrans-server-key";
/** Where the WhatsApp bridge queues replies Fonnte did not take. */
const WHATSAPP_SEND_QUEUE = "whatsapp.send";

export interface StartServerOptions {
  /** The environment to read (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Overrides `PORT`; 0 picks a free port. */
  port?: number;
  /** Where pino writes (default stdout). */
  logDestination?: pino.DestinationStream;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Graceful: stop taking requests, finish running jobs, close connections. */
  close(): Promise<void>;
  services: Awaited<ReturnType<typeof composeServices>>;
}

/** Builds every service on one database; nothing listens yet. */
async function composeServices(options: StartServerOptions) {
  const env = parseEnv(options.env ?? process.env);
  const logger = createLogger(env.LOG_LEVEL, options.logDestination);
  const metrics = createMetrics();
  const database = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    pgliteDataDir: env.PGLITE_DATA_DIR,
  });
  const { executor } = database;
  const applied = await migrateAll(executor);
  logger.info(
    { database: database.description, migrationsApplied: applied.length },
    "database ready",
  );

  const providers = await connectProviders(env, executor);
  if (providers.demo.length > 0) {
    logger.warn(
      { standIns: providers.demo },
      `DEMO MODE: no credentials for ${providers.demo.length} provider(s); their local stand-ins answer instead. Nothing real is charged, booked or sent.`,
    );
  }
  const adminKeys = env.ADMIN_API_KEY ? [env.ADMIN_API_KEY] : [DEMO_ADMIN_KEY];
  if (!env.ADMIN_API_KEY) {
    logger.warn(
      `ADMIN_API_KEY is not set: the admin routes accept the public demo key "${DEMO_ADMIN_KEY}"`,
    );
  }

  const queue = new PgBossJobQueue(database.queueSource, {
    schema: env.PGBOSS_SCHEMA,
    pollingIntervalSeconds: env.QUEUE_POLL_SECONDS,
    stopTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    // Created at start, under the start lock: created lazily, two instances deadlock on them.
    queues: [...SERVER_QUEUES, WHATSAPP_SEND_QUEUE],
    bossOptions: {
      // A job whose worker died (SIGKILL, lost machine) is failed after this
      // and retried by another instance; checked every JOB_SUPERVISE_SECONDS.
      expireInSeconds: env.JOB_TIMEOUT_SECONDS,
      maintenanceIntervalSeconds: env.JOB_SUPERVISE_SECONDS,
    },
    onError: (error) => logger.error({ err: error }, "job queue background error"),
  });
  await startQueueExclusively(queue, database);

  const idempotency = new PostgresIdempotencyStore(executor);
  const orders = new OrderDetailsStore(executor);
  const ledger = createLedger({
    store: new PostgresLedgerStore(executor),
    client: providers.xendit,
  });
  const vouchers = createVoucherService({
    store: new PostgresVoucherStore(executor),
    router: new RouterOsHotspotRouter(providers.router),
    delivery: whatsappVoucherDelivery(providers.fonnte),
    idempotency,
    hotspotLoginUrl: env.HOTSPOT_LOGIN_URL,
    // A job run holds the purchase this long; a worker killed mid-run is taken over after it.
    leaseMs: env.VOUCHER_LEASE_SECONDS * 1000,
  });
  const booker = createMeetingBooker({ client: providers.rapatin, store: idempotency });
  const payments = new PostgresPaymentSource(executor);
  const entitlements = new PostgresEntitlementStore(executor);
  const jobs = createFulfilmentJobs({
    queue,
    orders,
    fulfillers: createFulfillers({ booker, vouchers, ledger, payments, entitlements }),
    retryLimit: env.JOB_RETRY_LIMIT,
    retryDelaySeconds: env.JOB_RETRY_DELAY_SECONDS,
    logger,
    metrics,
  });
  const relay = createOutboxRelay({
    executor,
    queue,
    idleMs: env.OUTBOX_IDLE_MS,
    onError: (error) => logger.error({ err: error }, "outbox relay batch failed; retrying"),
  });

  const bridge = createWhatsAppAiBridge({
    sender: providers.fonnte,
    ai: providers.ai,
    identity: new PostgresIdentityResolver(executor, { table: "app_users" }),
    sessions: new PostgresSessionStore(executor),
    rateLimiter: new PostgresRateLimiter(executor),
    dedupe: idempotency,
    queue,
    secrets: [providers.fonnteWebhookSecret],
    sendQueueName: WHATSAPP_SEND_QUEUE,
    onEvent: (event) => logger.debug({ bridge: event }, "whatsapp bridge"),
  });

  const midtransServerKey = env.MIDTRANS_SERVER_KEY ?? DEMO_MIDTRANS_SERVER_KEY;
  const midtrans = createMidtransNotificationHandler({
    serverKey: midtransServerKey,
    processor: createIdempotentProcessor({ store: idempotency }),
    payments,
    entitlements,
    resolveOrder: async (notification) => {
      const order = await orders.get(notification.order_id);
      if (!order || order.userId === null || order.itemId === null) {
        throw new Error(`Midtrans order ${notification.order_id} is not a course order here`);
      }
      return { userId: order.userId, itemId: order.itemId };
    },
  });

  // Known once the server listens (PORT=0 picks a free port); PUBLIC_URL wins when set.
  const urls = { public: env.PUBLIC_URL ?? `http://127.0.0.1:${options.port ?? env.PORT}` };
  return {
    env,
    logger,
    metrics,
    database,
    providers,
    adminKeys,
    queue,
    relay,
    jobs,
    orders,
    ledger,
    vouchers,
    bridge,
    midtrans,
    midtransServerKey,
    urls,
    orderService: createOrderService({
      executor,
      ledger,
      orders,
      vouchers,
      publicUrl: () => urls.public,
    }),
    xenditWebhook: createTransactionalXenditWebhook({
      executor,
      callbackTokens: providers.xenditCallbackTokens,
      orders,
      jobs,
    }),
    reconciliation: createReconciliation({ executor, payments, entitlements, reconcile }),
  };
}

export type Services = Awaited<ReturnType<typeof composeServices>>;

/**
 * Starts the service: migrations, providers (or their stand-ins), the job
 * workers, the outbox relay and the HTTP server.
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const services = await composeServices(options);
  const { logger, env, queue, relay, jobs, bridge } = services;
  await jobs.work();
  await bridge.start();
  relay.start();

  const app = createApp(services);
  const port = options.port ?? env.PORT;
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, port, hostname: env.HOST }, () =>
      resolve(listening),
    );
    listening.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${env.HOST}:${address.port}`;
  if (!env.PUBLIC_URL) services.urls.public = url;
  logger.info({ url, database: services.database.kind }, "listening");

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      logger.info("shutting down: no new requests, finishing running jobs");
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive sockets would hold close() open.
        (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      });
      await relay.stop();
      await bridge.idle();
      await queue.stop();
      await services.providers.close();
      await services.database.close();
      logger.info("stopped");
    })();
    return closing;
  };
  return { url, port: address.port, close, services };
}
