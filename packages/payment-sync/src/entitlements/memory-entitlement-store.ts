import { upperBound } from "../payments/memory-payment-source.js";
import type { EntitlementStore, UserEntitlements } from "./entitlement-store.js";

/** User records in memory, duplicates and all, for unit tests and examples. */
export class MemoryEntitlementStore implements EntitlementStore {
  readonly #users = new Map<string, string[]>();

  constructor(users: readonly UserEntitlements[] = []) {
    for (const user of users) this.#users.set(user.userId, [...user.items]);
  }

  async listUsers(request: { cursor: string | null; limit: number }) {
    const ids = [...this.#users.keys()].sort();
    const start = request.cursor === null ? 0 : upperBound(ids, request.cursor);
    const page = ids.slice(start, start + request.limit);
    const last = page.at(-1);
    return {
      items: page.map((userId) => this.#record(userId)),
      cursor: start + page.length < ids.length && last !== undefined ? last : null,
    };
  }

  async getUsers(userIds: readonly string[]): Promise<UserEntitlements[]> {
    return [...new Set(userIds)].filter((id) => this.#users.has(id)).map((id) => this.#record(id));
  }

  async absentUsers(userIds: readonly string[]): Promise<string[]> {
    return [...new Set(userIds)].filter((id) => !this.#users.has(id));
  }

  async grant(userId: string, itemId: string) {
    const items = this.#users.get(userId);
    if (!items) {
      this.#users.set(userId, [itemId]);
      return { granted: true };
    }
    if (items.includes(itemId)) return { granted: false };
    items.push(itemId);
    return { granted: true };
  }

  async revoke(userId: string, itemId: string) {
    const items = this.#users.get(userId);
    if (!items?.includes(itemId)) return { revoked: false };
    this.#users.set(
      userId,
      items.filter((item) => item !== itemId),
    );
    return { revoked: true };
  }

  async dedupe(userId: string, itemId: string) {
    const items = this.#users.get(userId) ?? [];
    const first = items.indexOf(itemId);
    const kept = items.filter((item, index) => item !== itemId || index === first);
    if (kept.length !== items.length) this.#users.set(userId, kept);
    return { removed: items.length - kept.length };
  }

  #record(userId: string): UserEntitlements {
    return { userId, items: [...(this.#users.get(userId) ?? [])] };
  }
}
