import { parseInput } from "@lunas/core";
import { z } from "zod";
import type {
  AddUserOutcome,
  HotspotRouter,
  HotspotUser,
  NewHotspotUser,
} from "../router/hotspot-router.js";
import { HotspotProfileNotFoundError } from "../router/hotspot-router-errors.js";

/**
 * A `HotspotRouter` in memory, for unit tests of code built on the port. To
 * test against the wire protocol, use `FakeRouterOsServer` with
 * `RouterOsHotspotRouter` instead.
 */
export class MemoryHotspotRouter implements HotspotRouter {
  readonly profiles: Set<string>;
  readonly #users: HotspotUser[] = [];
  #nextId = 1;

  constructor(options: { profiles?: string[] } = {}) {
    const parsed = parseInput(
      z.strictObject({ profiles: z.array(z.string().min(1)).optional() }),
      options,
      "MemoryHotspotRouter options",
    );
    this.profiles = new Set(parsed.profiles ?? ["default"]);
  }

  /** A copy of every user, in creation order. */
  users(): HotspotUser[] {
    return this.#users.map((user) => ({ ...user }));
  }

  async addUsers(users: readonly NewHotspotUser[]): Promise<AddUserOutcome[]> {
    const unknown = users.find((user) => !this.profiles.has(user.profile));
    if (unknown) throw new HotspotProfileNotFoundError(unknown.profile);
    return users.map((user) => {
      if (this.#users.some((existing) => existing.name === user.name)) {
        return { name: user.name, status: "name_taken" };
      }
      const id = `*${(this.#nextId++).toString(16).toUpperCase()}`;
      this.#users.push({ ...user, id });
      return { name: user.name, status: "added", id };
    });
  }

  async findPurchaseUsers(purchaseTag: string): Promise<HotspotUser[]> {
    return this.#users.filter((user) => user.purchaseTag === purchaseTag).map((u) => ({ ...u }));
  }

  async removeUsers(ids: readonly string[]): Promise<void> {
    const gone = new Set(ids);
    for (let i = this.#users.length - 1; i >= 0; i--) {
      if (gone.has(this.#users[i]!.id)) this.#users.splice(i, 1);
    }
  }

  async removePurchaseUsers(purchaseTag: string): Promise<number> {
    const users = await this.findPurchaseUsers(purchaseTag);
    await this.removeUsers(users.map((user) => user.id));
    return users.length;
  }

  async listProfiles(): Promise<string[]> {
    return [...this.profiles];
  }

  async checkConnection(): Promise<{ identity: string; version: string }> {
    return { identity: "MemoryHotspotRouter", version: "memory" };
  }
}
