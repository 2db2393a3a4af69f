import type {
  DeliveryAttempt,
  Purchase,
  PurchasePage,
  PurchaseStatus,
  StatusChange,
  StoredVoucher,
  VoucherStatistics,
  VoucherStore,
} from "./voucher-store.js";

const copy = <T>(value: T): T => structuredClone(value);

/** `VoucherStore` in process memory: for tests and single-process tools; lost on restart. */
export class MemoryVoucherStore implements VoucherStore {
  readonly #purchases = new Map<string, Purchase>();
  readonly #vouchers = new Map<string, StoredVoucher[]>();
  readonly #deliveries = new Map<string, DeliveryAttempt[]>();

  async insertPurchase(purchase: Purchase): Promise<boolean> {
    if (this.#purchases.has(purchase.id)) return false;
    this.#purchases.set(purchase.id, copy(purchase));
    return true;
  }

  async getPurchase(id: string): Promise<Purchase | null> {
    const purchase = this.#purchases.get(id);
    return purchase ? copy(purchase) : null;
  }

  async changeStatus(id: string, change: StatusChange): Promise<Purchase | null> {
    const purchase = this.#purchases.get(id);
    if (!purchase || !change.from.includes(purchase.status)) return null;
    purchase.status = change.to;
    purchase.updatedAt = change.at;
    if (change.lastError !== undefined) purchase.lastError = change.lastError;
    if (change.paidAt !== undefined) purchase.paidAt = change.paidAt;
    purchase.generationAttempts += change.addAttempts ?? 0;
    return copy(purchase);
  }

  async completePurchase(
    id: string,
    vouchers: readonly StoredVoucher[],
    change: { from: readonly PurchaseStatus[]; at: number; addAttempts: number },
  ): Promise<Purchase | null> {
    const updated = await this.changeStatus(id, {
      from: change.from,
      to: "completed",
      at: change.at,
      lastError: null,
      addAttempts: change.addAttempts,
    });
    if (updated) {
      this.#vouchers.set(
        id,
        copy([...vouchers]).sort((a, b) => (a.username < b.username ? -1 : 1)),
      );
    }
    return updated;
  }

  async listVouchers(purchaseId: string): Promise<StoredVoucher[]> {
    return copy(this.#vouchers.get(purchaseId) ?? []);
  }

  async deleteVouchers(purchaseId: string): Promise<number> {
    const count = this.#vouchers.get(purchaseId)?.length ?? 0;
    this.#vouchers.delete(purchaseId);
    return count;
  }

  async recordDelivery(attempt: DeliveryAttempt): Promise<void> {
    const log = this.#deliveries.get(attempt.purchaseId) ?? [];
    log.push(copy(attempt));
    this.#deliveries.set(attempt.purchaseId, log);
  }

  async listDeliveries(purchaseId: string): Promise<DeliveryAttempt[]> {
    return copy(this.#deliveries.get(purchaseId) ?? []);
  }

  async listPurchases(query: {
    status?: PurchaseStatus;
    limit: number;
    offset: number;
  }): Promise<PurchasePage> {
    const matching = [...this.#purchases.values()]
      .filter((p) => query.status === undefined || p.status === query.status)
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return {
      purchases: copy(matching.slice(query.offset, query.offset + query.limit)),
      total: matching.length,
    };
  }

  async listExpiredPending(now: number, limit: number): Promise<Purchase[]> {
    return copy(
      [...this.#purchases.values()]
        .filter((p) => p.status === "pending" && p.expiresAt !== null && p.expiresAt < now)
        .sort((a, b) => (a.expiresAt ?? 0) - (b.expiresAt ?? 0))
        .slice(0, limit),
    );
  }

  async statistics(): Promise<VoucherStatistics> {
    const purchases = Object.fromEntries(
      ["pending", "completed", "failed", "expired", "voucher_generation_failed"].map((s) => [s, 0]),
    ) as Record<PurchaseStatus, number>;
    let delivered = 0;
    for (const purchase of this.#purchases.values()) {
      purchases[purchase.status]++;
      const sent = (this.#deliveries.get(purchase.id) ?? []).some((d) => d.status === "sent");
      if (purchase.status === "completed" && sent) delivered++;
    }
    const deliveryAttempts = { sent: 0, failed: 0, error: 0 };
    for (const log of this.#deliveries.values()) for (const d of log) deliveryAttempts[d.status]++;
    let vouchers = 0;
    for (const list of this.#vouchers.values()) vouchers += list.length;
    return {
      purchases,
      totalPurchases: this.#purchases.size,
      vouchers,
      deliveryAttempts,
      delivered,
      undelivered: purchases.completed - delivered,
    };
  }
}
