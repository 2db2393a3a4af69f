import {
  createWebhookProcessor,
  encodeSecrets,
  matchesAnySecret,
  type SqlExecutor,
} from "@lunas/core";
import { createTransactionalProcessor, enqueueInOutbox } from "@lunas/core/postgres";
import {
  CALLBACK_TOKEN_HEADER,
  createLedger,
  dedupeKeyOf,
  type ParsedWebhook,
  parseXenditWebhook,
  type XenditEvent,
} from "@lunas/xendit";
import { PostgresLedgerStore } from "@lunas/xendit/postgres";
import type { FulfilmentJobs } from "../fulfilment/fulfilment-jobs.js";
import type { OrderDetailsStore } from "../orders/order-store.js";

export interface XenditIngestResult {
  session_id: string | null;
  order_id: string | null;
  payment_status: string | null;
  /** The job queued by this delivery, if any (`null` on replays and events that change nothing). */
  queued: string | null;
}

export interface TransactionalXenditWebhookOptions {
  executor: SqlExecutor;
  callbackTokens: readonly string[];
  orders: OrderDetailsStore;
  jobs: FulfilmentJobs;
}

// The defining fields: a redelivery with a new envelope timestamp still replays.
function fingerprintOf(event: XenditEvent): unknown {
  return { key: dedupeKeyOf(event), status: event.data.status, amount: event.data.amount };
}

/**
 * `POST /webhooks/xendit`: verify → parse once → in ONE transaction claim the
 * event, record the payment in the ledger and queue the order's fulfilment
 * through the outbox. A crash before the commit leaves nothing, so Xendit's
 * retry runs it again; concurrent deliveries of one event wait for the first
 * and replay its result. Kept in this one module so a ready-made
 * transactional Xendit handler can replace it.
 */
export function createTransactionalXenditWebhook(
  options: TransactionalXenditWebhookOptions,
): (request: Request) => Promise<Response> {
  const processor = createTransactionalProcessor({ executor: options.executor });
  const tokens = encodeSecrets(options.callbackTokens);

  async function ingest(tx: SqlExecutor, event: XenditEvent): Promise<XenditIngestResult> {
    const ledger = createLedger({ store: new PostgresLedgerStore(tx) });
    const { payment } = await ledger.recordPaymentEvent(event);
    const orderId = payment.orderId;
    let queued: string | null = null;
    if (orderId !== null) {
      if (payment.status === "paid" || payment.status === "settled") {
        if (await options.orders.markPaid(tx, orderId)) {
          await enqueueInOutbox(tx, options.jobs.fulfilJob(orderId));
          queued = "fulfil";
        }
      } else if (await options.orders.markExpired(tx, orderId)) {
        await enqueueInOutbox(tx, options.jobs.expireJob(orderId));
        queued = "expire";
      }
    }
    return {
      session_id: payment.sessionId,
      order_id: orderId,
      payment_status: payment.status,
      queued,
    };
  }

  return createWebhookProcessor<ParsedWebhook, XenditIngestResult | { ignored: true }>({
    verify: (request) => matchesAnySecret(request.headers.get(CALLBACK_TOKEN_HEADER), tokens),
    unauthorizedMessage:
      "Missing or wrong x-callback-token; compare it with the Webhook verification token in the Xendit dashboard",
    parse: (body) => parseXenditWebhook(body),
    key: (parsed) => (parsed.kind === "known" ? dedupeKeyOf(parsed.event) : null),
    receive: async (parsed, key) => {
      if (parsed.kind === "unknown" || key === null) {
        return { result: { ignored: true }, replayed: false };
      }
      const event = parsed.event;
      return processor.run(key, fingerprintOf(event), (tx) => ingest(tx, event));
    },
    respond: ({ event, key, replayed, result }) =>
      Response.json(
        event.kind === "known"
          ? { ok: true, event: event.event.event, key, replayed, result }
          : { ok: true, unknown: true, event: event.unknown.event },
      ),
  });
}
