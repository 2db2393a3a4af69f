import type { Page, Payment, PaymentSource } from "./payment-source.js";

/** Payments in memory, for unit tests and examples. */
export class MemoryPaymentSource implements PaymentSource {
  readonly #payments = new Map<string, Payment>();
  #sortedUsers: string[] | null = null;

  constructor(payments: readonly Payment[] = []) {
    for (const payment of payments) this.#payments.set(payment.paymentId, { ...payment });
  }

  async listPaymentUsers(request: { cursor: string | null; limit: number }): Promise<Page<string>> {
    this.#sortedUsers ??= [...new Set([...this.#payments.values()].map((p) => p.userId))].sort();
    const users = this.#sortedUsers;
    const start = request.cursor === null ? 0 : upperBound(users, request.cursor);
    const items = users.slice(start, start + request.limit);
    const last = items.at(-1);
    return {
      items,
      cursor: start + items.length < users.length && last !== undefined ? last : null,
    };
  }

  async paymentsOf(userIds: readonly string[]): Promise<Payment[]> {
    const wanted = new Set(userIds);
    return [...this.#payments.values()].filter((p) => wanted.has(p.userId)).map((p) => ({ ...p }));
  }

  async recordPayment(payment: Payment): Promise<{ recorded: boolean }> {
    if (this.#payments.has(payment.paymentId)) return { recorded: false };
    this.#payments.set(payment.paymentId, { ...payment });
    this.#sortedUsers = null;
    return { recorded: true };
  }
}

/** Index of the first element greater than `value` in a sorted array. */
export function upperBound(sorted: readonly string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as string) <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}
