import type { ResolvedVoucherPlan } from "../codes/voucher-plan.js";

export type PurchaseStatus =
  | "pending"
  | "completed"
  | "failed"
  | "expired"
  | "voucher_generation_failed";

export const PURCHASE_STATUSES: readonly PurchaseStatus[] = [
  "pending",
  "completed",
  "failed",
  "expired",
  "voucher_generation_failed",
];

export interface Purchase {
  id: string;
  status: PurchaseStatus;
  quantity: number;
  plan: ResolvedVoucherPlan;
  /** Where the codes are sent (WhatsApp number). */
  customerPhone: string;
  /** ms epoch, like every time here. */
  createdAt: number;
  updatedAt: number;
  paidAt: number | null;
  /** A pending purchase unpaid by then is expired by `cleanupExpired()`. */
  expiresAt: number | null;
  lastError: string | null;
  /** Router attempts made so far (retries and regenerations included). */
  generationAttempts: number;
}

export interface StoredVoucher {
  purchaseId: string;
  username: string;
  password: string;
  /** The hotspot user's id on the router. */
  routerId: string;
  createdAt: number;
}

export type DeliveryStatus = "sent" | "failed" | "error";

export interface DeliveryAttempt {
  purchaseId: string;
  /** 1-based, per purchase. */
  attempt: number;
  /** `sent`; `failed`: the provider refused it; `error`: no answer (timeout, network, exception). */
  status: DeliveryStatus;
  errorMessage: string | null;
  providerMessageId: string | null;
  createdAt: number;
}

export interface StatusChange {
  /** Only from one of these statuses; otherwise nothing changes and `null` comes back. */
  from: readonly PurchaseStatus[];
  to: PurchaseStatus;
  at: number;
  /** Replaces `lastError` (`null` clears it; absent keeps it). */
  lastError?: string | null;
  paidAt?: number;
  /** Added to `generationAttempts`. */
  addAttempts?: number;
}

export interface PurchasePage {
  purchases: Purchase[];
  /** Matching purchases in all pages. */
  total: number;
}

export interface VoucherStatistics {
  purchases: Record<PurchaseStatus, number>;
  totalPurchases: number;
  /** Vouchers stored (of completed purchases). */
  vouchers: number;
  /** Delivery attempts by outcome. */
  deliveryAttempts: Record<DeliveryStatus, number>;
  /** Completed purchases with at least one `sent` delivery. */
  delivered: number;
  /** Completed purchases with no `sent` delivery yet. */
  undelivered: number;
}

/**
 * Where purchases, their vouchers and the delivery log live. Times are given
 * by the caller's clock; a store never reads its own.
 */
export interface VoucherStore {
  /** Inserts a new purchase; `false` (and no change) when its id exists. */
  insertPurchase(purchase: Purchase): Promise<boolean>;
  getPurchase(id: string): Promise<Purchase | null>;
  /** Changes the status if it is one of `change.from`; answers the updated purchase, or `null`. */
  changeStatus(id: string, change: StatusChange): Promise<Purchase | null>;
  /**
   * In one step: stores `vouchers` as the purchase's only vouchers and marks it
   * `completed`, if its status is one of `from`. Answers the updated purchase, or `null`.
   */
  completePurchase(
    id: string,
    vouchers: readonly StoredVoucher[],
    change: { from: readonly PurchaseStatus[]; at: number; addAttempts: number },
  ): Promise<Purchase | null>;
  /** The purchase's vouchers, ordered by username. */
  listVouchers(purchaseId: string): Promise<StoredVoucher[]>;
  /** Deletes the purchase's vouchers; returns how many. */
  deleteVouchers(purchaseId: string): Promise<number>;
  recordDelivery(attempt: DeliveryAttempt): Promise<void>;
  /** Oldest first. */
  listDeliveries(purchaseId: string): Promise<DeliveryAttempt[]>;
  /** Newest first (then by id), optionally of one status. */
  listPurchases(query: {
    status?: PurchaseStatus;
    limit: number;
    offset: number;
  }): Promise<PurchasePage>;
  /** Pending purchases whose `expiresAt` is before `now`, oldest expiry first. */
  listExpiredPending(now: number, limit: number): Promise<Purchase[]>;
  statistics(): Promise<VoucherStatistics>;
}
