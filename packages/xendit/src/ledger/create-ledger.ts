import { type Clock, parseInput, systemClock } from "@lunas/core";
import { callableSchema, clockSchema, portSchema } from "@lunas/core/validation";
import { z } from "zod";
import {
  type CreateSessionInput,
  createSessionInputSchema,
  type PaymentSession,
  sessionFieldsSchema,
} from "../client/session-schemas.js";
import type { XenditClient } from "../client/xendit-client.js";
import { XenditApiError } from "../client/xendit-errors.js";
import { parseXenditEvent } from "../webhooks/xendit-event-schema.js";
import type { XenditEvent } from "../webhooks/xendit-events.js";
import { attachSession } from "./attach-session.js";
import {
  LedgerClientMissingError,
  OrderAmountMismatchError,
  OrderNotFoundError,
  SessionConflictError,
  SessionInUseError,
} from "./ledger-errors.js";
import { type BackfillResult, createLedgerRepair, type LedgerOrphan } from "./ledger-repair.js";
import {
  comparePayments,
  type LedgerCounts,
  type LedgerOrder,
  type LedgerPayment,
  type LedgerStore,
  type NewOrder,
} from "./ledger-store.js";
import {
  createOrderFinder,
  DEFAULT_ORDER_LINKS,
  ORDER_LINK_SOURCES,
  type OrderLink,
} from "./order-link.js";
import { paymentFromEvent } from "./payment-from-event.js";

export type { BackfillChange, BackfillResult, LedgerOrphan } from "./ledger-repair.js";

export interface LedgerOptions {
  store: LedgerStore;
  /** Needed only by `createOrderPayment`. */
  client?: XenditClient;
  clock?: Clock;
  /**
   * How a payment finds its order when nothing linked it yet, tried in this
   * order; the first that names an existing order wins. Default
   * `["orders.session_id", "metadata.order_id", "reference_id", "external_id"]`.
   * Drop entries to link more strictly, or add `{ via, orderIdOf(payment) }`
   * for an app's own rule (it reads `payment.rawEvent`).
   */
  linkOrderBy?: readonly OrderLink[];
}

export interface AttachResult {
  status: "attached" | "already_attached_same";
  order: LedgerOrder;
  /** A payment recorded before the session was attached, linked now. */
  linkedPayment: LedgerPayment | null;
}

export interface OrderPaymentResult {
  session: PaymentSession;
  /** False when an existing active (or completed) session was returned. */
  created: boolean;
  /** A session created for this order that lost a race and was cancelled. */
  cancelledSessionId: string | null;
}

export interface RecordResult {
  payment: LedgerPayment;
  /** True when this call linked the payment to its order. */
  linkedNow: boolean;
}

/** What `createOrderPayment` passes on to `POST /sessions`; reference, amount and currency come from the order. */
export type OrderPaymentSessionInput = z.input<typeof orderSessionInputSchema>;

export interface Ledger {
  /** Adds an order unless it exists (apps with their own orders table insert there instead). */
  createOrder(order: NewOrder): Promise<{ order: LedgerOrder; created: boolean }>;
  getOrder(orderId: string): Promise<LedgerOrder | null>;
  attachSession(orderId: string, sessionId: string): Promise<AttachResult>;
  createOrderPayment(
    order: NewOrder & { amount: number; currency: string },
    session: OrderPaymentSessionInput,
  ): Promise<OrderPaymentResult>;
  recordPaymentEvent(event: XenditEvent): Promise<RecordResult>;
  findPaymentForOrder(orderId: string): Promise<LedgerPayment | null>;
  orphans(): Promise<LedgerOrphan[]>;
  counts(): Promise<LedgerCounts>;
  backfill(options: { dryRun: boolean }): Promise<BackfillResult>;
}

const id = z.string().min(1).max(255);
const newOrderSchema = z.object({
  id,
  amount: z.number().finite().nonnegative().nullish(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "ISO 4217 code like IDR")
    .nullish(),
  status: z.string().min(1).max(64).optional(),
});
const payableOrderSchema = newOrderSchema.extend({
  amount: z.number().finite().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/, "ISO 4217 code like IDR"),
});
// Strict: a misspelt `clock` would otherwise silently fall back to the system clock.
const optionsSchema = z.strictObject({
  // Every verb the ledger calls, so a partial store is refused here, not halfway through a payment.
  store: portSchema<LedgerStore>("LedgerStore", [
    "insertOrder",
    "getOrder",
    "findOrderBySession",
    "attachSession",
    "replaceSession",
    "upsertPayment",
    "getPayment",
    "listPaymentsForOrder",
    "linkPayment",
    "listUnlinkedPayments",
    "listSessionlessOrdersWithPayments",
    "counts",
  ]),
  client: z
    .custom<XenditClient>(
      (value) => typeof value === "object" && value !== null && "sessions" in value,
      "must be a XenditClient",
    )
    .optional(),
  clock: clockSchema.optional(),
  linkOrderBy: z
    .array(
      z.union([
        z.enum(ORDER_LINK_SOURCES),
        z.strictObject({
          via: z.string().min(1),
          orderIdOf: callableSchema("must be a function"),
        }),
      ]),
    )
    .min(1, "give at least one way to find an order")
    .optional(),
});

const orderSessionInputSchema = sessionFieldsSchema.omit({
  reference_id: true,
  amount: true,
  currency: true,
});

const REUSABLE = new Set(["ACTIVE", "COMPLETED"]);

/**
 * The order ↔ payment-session ledger. It keeps `orders.session_id` and
 * `payments.session_id` in sync whatever order things happen in: the API
 * call that creates a session, the write that stores it, and the webhooks
 * that report its outcome (early, late, twice, or concurrently).
 */
export function createLedger(options: LedgerOptions): Ledger {
  const config = parseInput(optionsSchema, options, "ledger options");
  const store = config.store;
  const clock = config.clock ?? systemClock;
  const findOrderFor = createOrderFinder(
    store,
    (options.linkOrderBy as readonly OrderLink[] | undefined) ?? DEFAULT_ORDER_LINKS,
  );
  const repair = createLedgerRepair(store, findOrderFor);

  async function attach(orderId: string, sessionId: string): Promise<AttachResult> {
    const outcome = await attachSession(store, orderId, sessionId);
    switch (outcome.status) {
      case "order_not_found":
        throw new OrderNotFoundError(orderId);
      case "conflict":
        throw new SessionConflictError(orderId, outcome.order.sessionId ?? "", sessionId);
      case "session_taken":
        throw new SessionInUseError(sessionId, outcome.otherOrderId);
    }
    // Set first, link second: a webhook recorded in between finds the order by
    // its session, one recorded before is linked here.
    const linked = await store.linkPayment(sessionId, orderId);
    return {
      status: outcome.status,
      order: outcome.order,
      linkedPayment: linked ? await store.getPayment(sessionId) : null,
    };
  }

  async function cancelDangling(client: XenditClient, session: PaymentSession): Promise<boolean> {
    if (session.status !== "ACTIVE") return false;
    try {
      await client.sessions.cancel(session.payment_session_id);
      return true;
    } catch (error) {
      // Already completed, expired or cancelled by the time we got there: nothing dangles.
      if (error instanceof XenditApiError) {
        const now = await client.sessions.get(session.payment_session_id);
        if (now.status !== "ACTIVE") return false;
      }
      throw error;
    }
  }

  /** Our session lost the race for the order: keep the winner, cancel ours. */
  async function settleLoser(
    client: XenditClient,
    orderId: string,
    ours: PaymentSession,
  ): Promise<OrderPaymentResult> {
    const current = await store.getOrder(orderId);
    const winnerId = current?.sessionId;
    if (!winnerId) throw new OrderNotFoundError(orderId);
    if (winnerId === ours.payment_session_id) {
      return { session: ours, created: true, cancelledSessionId: null };
    }
    const cancelled = await cancelDangling(client, ours);
    const winner = await client.sessions.get(winnerId);
    return {
      session: winner,
      created: false,
      cancelledSessionId: cancelled ? ours.payment_session_id : null,
    };
  }

  return {
    async createOrder(order) {
      const input = parseInput(newOrderSchema, order, "order");
      return store.insertOrder(input, clock.now());
    },

    async getOrder(orderId) {
      return store.getOrder(parseInput(id, orderId, "order id"));
    },

    async attachSession(orderId, sessionId) {
      parseInput(id, orderId, "order id");
      parseInput(id, sessionId, "session id");
      return attach(orderId, sessionId);
    },

    async createOrderPayment(order, sessionInput) {
      const input = parseInput(payableOrderSchema, order, "order");
      const client = config.client;
      if (!client) throw new LedgerClientMissingError();
      // The whole session body is checked before anything is written, so bad input leaves no order behind.
      const body: CreateSessionInput = parseInput(
        createSessionInputSchema,
        {
          ...sessionInput,
          reference_id: input.id,
          amount: input.amount,
          currency: input.currency,
          metadata: { ...(sessionInput?.metadata ?? {}), order_id: input.id },
        },
        "payment session",
      );

      const stored =
        (await store.getOrder(input.id)) ?? (await store.insertOrder(input, clock.now())).order;
      // The order's own amount is what gets charged: a different one (a stale or tampered request) is refused.
      if (
        (stored.amount !== null && stored.amount !== input.amount) ||
        (stored.currency !== null && stored.currency !== input.currency)
      ) {
        throw new OrderAmountMismatchError(input.id, stored, input);
      }

      if (stored.sessionId !== null) {
        const existing = await client.sessions.get(stored.sessionId);
        if (REUSABLE.has(existing.status)) {
          return { session: existing, created: false, cancelledSessionId: null };
        }
        // The old session expired or was cancelled. The key names the session it
        // replaces, so a retry after a crash gets this same replacement back.
        const replacement = await client.sessions.create(body, {
          idempotencyKey: `${input.id}:after:${stored.sessionId}`,
        });
        if (
          await store.replaceSession(input.id, stored.sessionId, replacement.payment_session_id)
        ) {
          return { session: replacement, created: true, cancelledSessionId: null };
        }
        return settleLoser(client, input.id, replacement);
      }

      // The order id is the idempotency key: a retry after a crash between
      // create and store gets the same session from Xendit, not a second one.
      const session = await client.sessions.create(body, { idempotencyKey: input.id });
      const outcome = await attachSession(store, input.id, session.payment_session_id);
      switch (outcome.status) {
        case "attached":
        case "already_attached_same":
          await store.linkPayment(session.payment_session_id, input.id);
          return {
            session,
            created: outcome.status === "attached",
            cancelledSessionId: null,
          };
        case "conflict":
          return settleLoser(client, input.id, session);
        case "session_taken":
          throw new SessionInUseError(session.payment_session_id, outcome.otherOrderId);
        case "order_not_found":
          throw new OrderNotFoundError(input.id);
      }
    },

    async recordPaymentEvent(event) {
      // A delivery's event was parsed once already; only events from elsewhere are checked here.
      const parsed = parseXenditEvent(event);
      let payment = await store.upsertPayment(paymentFromEvent(parsed, clock.now()));
      let linkedNow = false;
      if (payment.orderId === null) {
        const found = await findOrderFor(payment);
        if (found) linkedNow = await store.linkPayment(payment.sessionId, found.order.id);
        payment = (await store.getPayment(payment.sessionId)) ?? payment;
      }
      if (payment.orderId !== null) {
        const order = await store.getOrder(payment.orderId);
        // Linked by metadata or a reference to an order that never stored its session: store it now.
        if (order && order.sessionId === null) {
          await attachSession(store, order.id, payment.sessionId);
        }
      }
      return { payment, linkedNow };
    },

    async findPaymentForOrder(orderId) {
      parseInput(id, orderId, "order id");
      const [best] = (await store.listPaymentsForOrder(orderId)).sort(comparePayments);
      if (best) return best;
      const order = await store.getOrder(orderId);
      return order?.sessionId ? store.getPayment(order.sessionId) : null;
    },

    orphans: repair.orphans,

    counts: () => store.counts(),

    backfill: repair.backfill,
  };
}
