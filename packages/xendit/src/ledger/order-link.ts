import type { LedgerOrder, LedgerPayment, LedgerStore } from "./ledger-store.js";

/** The ways the ledger can find a payment's order without being told. */
export const ORDER_LINK_SOURCES = [
  "orders.session_id",
  "metadata.order_id",
  "reference_id",
  "external_id",
] as const;
export type OrderLinkSource = (typeof ORDER_LINK_SOURCES)[number];

/**
 * An app's own rule: an order id read from the payment (its `rawEvent` is the
 * event as received), or null. The ledger links only when that order exists.
 */
export interface CustomOrderLink {
  /** Reported as `via` in orphans and backfill changes. */
  via: string;
  orderIdOf(payment: LedgerPayment): string | null | undefined;
}

export type OrderLink = OrderLinkSource | CustomOrderLink;
/** How a link was (or would be) found: a built-in source or a custom link's `via`. */
export type OrderLinkVia = OrderLinkSource | (string & {});

/**
 * The default: the order that holds the session, then the order the event's
 * `metadata.order_id` names, then the order its `reference_id` (payment
 * sessions; `createOrderPayment` sets it to the order id) or `external_id`
 * (legacy invoices) names, each only when such an order exists.
 */
export const DEFAULT_ORDER_LINKS: readonly OrderLink[] = ORDER_LINK_SOURCES;

function field(rawEvent: unknown, name: "reference_id" | "external_id"): string | null {
  if (typeof rawEvent !== "object" || rawEvent === null) return null;
  const data = (rawEvent as { data?: unknown }).data;
  if (typeof data !== "object" || data === null) return null;
  const value = (data as Record<string, unknown>)[name];
  return typeof value === "string" && value.length > 0 ? value : null;
}

function candidateOf(link: Exclude<OrderLink, "orders.session_id">, payment: LedgerPayment) {
  if (link === "metadata.order_id") return payment.metadataOrderId;
  if (link === "reference_id" || link === "external_id") return field(payment.rawEvent, link);
  return link.orderIdOf(payment) ?? null;
}

export interface OrderLinkFound {
  order: LedgerOrder;
  via: OrderLinkVia;
}

/**
 * The one place that decides which order a payment belongs to: recording an
 * event, listing orphans and planning a backfill all ask this, in the
 * configured order, and the first link that names an existing order wins.
 */
export function createOrderFinder(store: LedgerStore, links: readonly OrderLink[]) {
  return async function findOrderFor(payment: LedgerPayment): Promise<OrderLinkFound | null> {
    for (const link of links) {
      if (link === "orders.session_id") {
        const order = await store.findOrderBySession(payment.sessionId);
        if (order) return { order, via: link };
        continue;
      }
      const orderId = candidateOf(link, payment);
      if (!orderId) continue;
      const order = await store.getOrder(orderId);
      if (order) return { order, via: typeof link === "string" ? link : link.via };
    }
    return null;
  };
}
