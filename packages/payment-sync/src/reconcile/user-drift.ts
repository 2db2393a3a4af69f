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
  if (agrees(payments, record)) return null;
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

// Above this many items or payments the quadratic check below costs more than the maps.
const SCAN_LIMIT = 32;

/**
 * Whether the record holds every paid item exactly once and nothing else,
 * answered without allocating: almost every user agrees, and building maps and
 * sorted lists for each of them was most of what a full walk allocated. `false`
 * only means "look closer" (too many items to scan, or some drift).
 */
function agrees(payments: readonly Payment[], record: UserEntitlements | null): boolean {
  if (record === null) return payments.length === 0;
  const { items } = record;
  if (items.length > SCAN_LIMIT || payments.length > SCAN_LIMIT) return false;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (items.indexOf(item as string, i + 1) !== -1) return false;
    let paid = false;
    for (let j = 0; j < payments.length && !paid; j++) paid = payments[j]?.itemId === item;
    if (!paid) return false;
  }
  for (let j = 0; j < payments.length; j++) {
    if (!items.includes(payments[j]?.itemId as string)) return false;
  }
  return true;
}

/** Code-unit order, the same in every runtime and locale (and PostgreSQL's `collate "C"`). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
