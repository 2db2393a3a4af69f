import type { UserEntitlements } from "../entitlements/entitlement-store.js";
import type { Payment } from "../payments/payment-source.js";
import type { UserDrift } from "../report/report-schema.js";

export type FoundDrift = Omit<UserDrift, "fixed">;

/**
 * Compares one user's payments with their record (`null`: no record). Answers
 * `null` when they agree. Pure, so the engine and the per-user calls share it.
 */
export function findUserDrift(
  userId: string,
  payments: readonly Payment[],
  record: UserEntitlements | null,
): FoundDrift | null {
  const paidBy = new Map<string, string[]>();
  for (const payment of payments) {
    const ids = paidBy.get(payment.itemId);
    if (ids) ids.push(payment.paymentId);
    else paidBy.set(payment.itemId, [payment.paymentId]);
  }
  const copies = new Map<string, number>();
  for (const item of record?.items ?? []) copies.set(item, (copies.get(item) ?? 0) + 1);

  const missing = [...paidBy]
    .filter(([item]) => !copies.has(item))
    .map(([item, paymentIds]) => ({ itemId: item, paymentIds: paymentIds.sort() }))
    .sort((a, b) => compareIds(a.itemId, b.itemId));
  const extra = [...copies.keys()].filter((item) => !paidBy.has(item)).sort(compareIds);
  const duplicates = [...copies]
    .filter(([, count]) => count > 1)
    .map(([item, count]) => ({ itemId: item, copies: count }))
    .sort((a, b) => compareIds(a.itemId, b.itemId));
  const absentFrom =
    record === null
      ? payments.length > 0
        ? "entitlements"
        : null
      : payments.length === 0 && record.items.length > 0
        ? "payments"
        : null;

  if (absentFrom === null && missing.length + extra.length + duplicates.length === 0) return null;
  return { userId, absentFrom, missing, extra, duplicates };
}

/** Code-unit order, the same in every runtime and locale (and PostgreSQL's `collate "C"`). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
