import { parseInput } from "@lunas/core";
import { z } from "zod";
import { attachSession } from "./attach-session.js";
import {
  comparePayments,
  type LedgerOrder,
  type LedgerPayment,
  type LedgerStore,
} from "./ledger-store.js";
import type { OrderLinkFound, OrderLinkVia } from "./order-link.js";

export type LedgerOrphan =
  /** A payment no order claims yet. `fix` says how backfill would link it, or null when nothing can. */
  | {
      kind: "payment_without_order";
      payment: LedgerPayment;
      fix: { orderId: string; via: OrderLinkVia } | null;
    }
  /** An order that linked payments point at, whose `session_id` is still empty. */
  | { kind: "order_without_session"; order: LedgerOrder; payments: LedgerPayment[] };

export type BackfillChange =
  | {
      kind: "link_payment";
      sessionId: string;
      orderId: string;
      via: OrderLinkVia;
    }
  | { kind: "set_order_session"; orderId: string; sessionId: string };

export interface BackfillResult {
  dryRun: boolean;
  /** Exactly the rows changed (or, in a dry run, that a real run would change now). */
  changes: BackfillChange[];
  /** Planned changes a concurrent writer made impossible between planning and applying. */
  skipped: BackfillChange[];
}

export interface LedgerRepair {
  orphans(): Promise<LedgerOrphan[]>;
  backfill(options: { dryRun: boolean }): Promise<BackfillResult>;
}

/**
 * The ledger's repairing job, apart from its recording job: find what the
 * recording left unlinked (a payment before its order, an order without its
 * session) and link it, with the same order finder that recording uses.
 */
export function createLedgerRepair(
  store: LedgerStore,
  findOrderFor: (payment: LedgerPayment) => Promise<OrderLinkFound | null>,
): LedgerRepair {
  async function planBackfill(): Promise<BackfillChange[]> {
    const links: BackfillChange[] = [];
    const sessionsFor = new Map<string, LedgerPayment[]>();

    for (const payment of await store.listUnlinkedPayments()) {
      const found = await findOrderFor(payment);
      if (!found) continue;
      links.push({
        kind: "link_payment",
        sessionId: payment.sessionId,
        orderId: found.order.id,
        via: found.via,
      });
      // Found by something other than its session: the order may still need that session.
      if (found.via !== "orders.session_id" && found.order.sessionId === null) {
        const list = sessionsFor.get(found.order.id) ?? [];
        list.push({ ...payment, orderId: found.order.id });
        sessionsFor.set(found.order.id, list);
      }
    }
    for (const { order, payments } of await store.listSessionlessOrdersWithPayments()) {
      sessionsFor.set(order.id, [...(sessionsFor.get(order.id) ?? []), ...payments]);
    }

    const sessions: BackfillChange[] = [];
    const claimed = new Set<string>();
    for (const orderId of [...sessionsFor.keys()].sort()) {
      const candidates = (sessionsFor.get(orderId) ?? []).sort(comparePayments);
      for (const payment of candidates) {
        // A session another order already holds (or that this run gives away) cannot be reused.
        if (claimed.has(payment.sessionId)) continue;
        if (await store.findOrderBySession(payment.sessionId)) continue;
        claimed.add(payment.sessionId);
        sessions.push({ kind: "set_order_session", orderId, sessionId: payment.sessionId });
        break;
      }
    }
    return [...links, ...sessions];
  }

  return {
    async orphans() {
      const result: LedgerOrphan[] = [];
      for (const payment of await store.listUnlinkedPayments()) {
        const found = await findOrderFor(payment);
        result.push({
          kind: "payment_without_order",
          payment,
          fix: found ? { orderId: found.order.id, via: found.via } : null,
        });
      }
      for (const { order, payments } of await store.listSessionlessOrdersWithPayments()) {
        result.push({ kind: "order_without_session", order, payments });
      }
      return result;
    },

    async backfill(backfillOptions) {
      const { dryRun } = parseInput(
        z.strictObject({ dryRun: z.boolean() }),
        backfillOptions,
        "backfill options",
      );
      const plan = await planBackfill();
      if (dryRun) return { dryRun, changes: plan, skipped: [] };
      const changes: BackfillChange[] = [];
      const skipped: BackfillChange[] = [];
      for (const change of plan) {
        const applied =
          change.kind === "link_payment"
            ? await store.linkPayment(change.sessionId, change.orderId)
            : (await attachSession(store, change.orderId, change.sessionId)).status === "attached";
        (applied ? changes : skipped).push(change);
      }
      return { dryRun, changes, skipped };
    },
  };
}
