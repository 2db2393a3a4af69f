import {
  type AttachOutcome,
  byCreation,
  type LedgerCounts,
  type LedgerOrder,
  type LedgerPayment,
  type LedgerStore,
  type NewOrder,
  PAYMENT_STATUS_RANK,
  type PaymentUpsert,
} from "./ledger-store.js";

const copy = <T>(value: T): T => structuredClone(value);

/**
 * The ledger in process memory: tests, demos, single-process apps. Each method
 * runs without awaiting in between, so it is atomic within the process.
 */
export class MemoryLedgerStore implements LedgerStore {
  readonly #orders = new Map<string, LedgerOrder>();
  readonly #payments = new Map<string, LedgerPayment>();

  async insertOrder(order: NewOrder, now: number) {
    const existing = this.#orders.get(order.id);
    if (existing) return { order: copy(existing), created: false };
    const stored: LedgerOrder = {
      id: order.id,
      sessionId: null,
      amount: order.amount ?? null,
      currency: order.currency ?? null,
      status: order.status ?? "pending",
      createdAt: new Date(now).toISOString(),
    };
    this.#orders.set(order.id, stored);
    return { order: copy(stored), created: true };
  }

  async getOrder(orderId: string) {
    const order = this.#orders.get(orderId);
    return order ? copy(order) : null;
  }

  async findOrderBySession(sessionId: string) {
    for (const order of this.#orders.values()) {
      if (order.sessionId === sessionId) return copy(order);
    }
    return null;
  }

  async attachSession(orderId: string, sessionId: string): Promise<AttachOutcome> {
    const order = this.#orders.get(orderId);
    if (!order) return { status: "order_not_found" };
    if (order.sessionId === sessionId)
      return { status: "already_attached_same", order: copy(order) };
    if (order.sessionId !== null) return { status: "conflict", order: copy(order) };
    const holder = this.#holderOf(sessionId);
    if (holder) return { status: "session_taken", otherOrderId: holder.id };
    order.sessionId = sessionId;
    return { status: "attached", order: copy(order) };
  }

  async replaceSession(orderId: string, expected: string, next: string) {
    const order = this.#orders.get(orderId);
    if (!order || order.sessionId !== expected) return false;
    if (this.#holderOf(next)) return false;
    order.sessionId = next;
    return true;
  }

  async upsertPayment(input: PaymentUpsert) {
    const at = new Date(input.now).toISOString();
    const existing = this.#payments.get(input.sessionId);
    if (!existing) {
      const stored: LedgerPayment = {
        sessionId: input.sessionId,
        orderId: null,
        status: input.status,
        amount: input.amount,
        currency: input.currency,
        method: input.method,
        channel: input.channel,
        paidAt: input.paidAt,
        metadataOrderId: input.metadataOrderId,
        rawEvent: copy(input.rawEvent),
        createdAt: at,
        updatedAt: at,
      };
      this.#payments.set(input.sessionId, stored);
      return copy(stored);
    }
    const forward = PAYMENT_STATUS_RANK[input.status] > PAYMENT_STATUS_RANK[existing.status];
    const pick = <
      K extends "amount" | "currency" | "method" | "channel" | "paidAt" | "metadataOrderId",
    >(
      key: K,
    ) => (forward ? (input[key] ?? existing[key]) : (existing[key] ?? input[key]));
    existing.amount = pick("amount");
    existing.currency = pick("currency");
    existing.method = pick("method");
    existing.channel = pick("channel");
    existing.paidAt = pick("paidAt");
    existing.metadataOrderId = pick("metadataOrderId");
    if (forward) {
      existing.status = input.status;
      existing.rawEvent = copy(input.rawEvent);
      existing.updatedAt = at;
    }
    return copy(existing);
  }

  async getPayment(sessionId: string) {
    const payment = this.#payments.get(sessionId);
    return payment ? copy(payment) : null;
  }

  async listPaymentsForOrder(orderId: string) {
    return [...this.#payments.values()]
      .filter((payment) => payment.orderId === orderId)
      .sort(byCreation)
      .map(copy);
  }

  async linkPayment(sessionId: string, orderId: string) {
    const payment = this.#payments.get(sessionId);
    if (!payment || payment.orderId !== null) return false;
    payment.orderId = orderId;
    return true;
  }

  async listUnlinkedPayments() {
    return [...this.#payments.values()]
      .filter((payment) => payment.orderId === null)
      .sort(byCreation)
      .map(copy);
  }

  async listSessionlessOrdersWithPayments() {
    const result: { order: LedgerOrder; payments: LedgerPayment[] }[] = [];
    for (const order of [...this.#orders.values()].sort((a, b) => a.id.localeCompare(b.id))) {
      if (order.sessionId !== null) continue;
      const payments = [...this.#payments.values()]
        .filter((payment) => payment.orderId === order.id)
        .sort(byCreation);
      if (payments.length > 0) result.push({ order: copy(order), payments: payments.map(copy) });
    }
    return result;
  }

  async counts(): Promise<LedgerCounts> {
    const payments = [...this.#payments.values()];
    const orders = [...this.#orders.values()];
    const paymentsByStatus = { expired: 0, paid: 0, settled: 0 };
    for (const payment of payments) paymentsByStatus[payment.status] += 1;
    const linked = payments.filter((payment) => payment.orderId !== null).length;
    return {
      orders: orders.length,
      ordersWithSession: orders.filter((order) => order.sessionId !== null).length,
      payments: payments.length,
      linkedPayments: linked,
      unlinkedPayments: payments.length - linked,
      paymentsByStatus,
    };
  }

  #holderOf(sessionId: string): LedgerOrder | undefined {
    for (const order of this.#orders.values()) {
      if (order.sessionId === sessionId) return order;
    }
    return undefined;
  }
}
