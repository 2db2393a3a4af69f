import { caseExpect as expect } from "@lunas/core/conformance";
import { ManualClock } from "@lunas/core/testing";
import { afterEach, describe, it } from "vitest";
import type { EntitlementStore, UserEntitlements } from "../entitlements/entitlement-store.js";

export interface EntitlementStoreConformanceContext {
  clock: ManualClock;
  /** User records the store must hold when the factory resolves, duplicates included, in this item order. */
  users: UserEntitlements[];
}

export type EntitlementStoreFactory = (
  context: EntitlementStoreConformanceContext,
) => Promise<{ store: EntitlementStore; cleanup(): Promise<void> }>;

/**
 * The shared `EntitlementStore` suite. Every adapter in `@lunas/payment-sync`
 * runs it; run it against your own in a vitest file:
 * `entitlementStoreConformance("my store", async ({ users }) => ({ store, cleanup }))`.
 * It checks what was really written (read back through the store), not only what was answered.
 */
export interface EntitlementStoreConformanceOptions {
  /** `false` for a store without the optional `absentUsers` (it is then not tested). Default true. */
  absentUsers?: boolean;
}

export function entitlementStoreConformance(
  name: string,
  factory: EntitlementStoreFactory,
  options: EntitlementStoreConformanceOptions = {},
): void {
  describe(`EntitlementStore conformance: ${name}`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    const open = async (users: UserEntitlements[]) => {
      const created = await factory({ clock: new ManualClock(), users });
      cleanup = created.cleanup;
      return created.store;
    };
    const itemsOf = async (store: EntitlementStore, userId: string) =>
      (await store.getUsers([userId]))[0]?.items ?? null;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it("lists every user exactly once over pages of at most `limit`, items as stored", async () => {
      const users = Array.from({ length: 13 }, (_, i) => ({
        userId: `user-${String(i).padStart(2, "0")}`,
        items: i % 4 === 0 ? [] : i % 3 === 0 ? ["c-1", "c-2", "c-1"] : [`c-${i}`],
      }));
      const store = await open(users);
      const seen: UserEntitlements[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await store.listUsers({ cursor, limit: 4 });
        expect(page.items.length, "page size").toBeLessThanOrEqual(4);
        seen.push(...page.items);
        cursor = page.cursor;
        expect(++pages, "listing terminates").toBeLessThan(20);
      } while (cursor !== null);
      const byId = (a: UserEntitlements, b: UserEntitlements) => (a.userId < b.userId ? -1 : 1);
      expect(seen.sort(byId), "every user once, duplicates kept in order").toEqual(users);
    });

    it("an empty store lists nothing", async () => {
      const store = await open([]);
      expect(await store.listUsers({ cursor: null, limit: 5 }), "empty listing").toEqual({
        items: [],
        cursor: null,
      });
    });

    it("getUsers answers only the users that exist, ids compared exactly", async () => {
      const store = await open([
        { userId: "User@Example.com", items: ["c-1"] },
        { userId: "registered", items: [] },
      ]);
      const found = await store.getUsers([
        "user@example.com",
        "User@Example.com",
        "registered",
        "nobody",
      ]);
      expect(
        found.sort((a, b) => (a.userId < b.userId ? -1 : 1)),
        "existing users only",
      ).toEqual([
        { userId: "User@Example.com", items: ["c-1"] },
        { userId: "registered", items: [] },
      ]);
      expect(await store.getUsers([]), "no ids").toEqual([]);
    });

    if (options.absentUsers !== false) {
      it("absentUsers answers exactly the ids without a record", async () => {
        const store = await open([
          { userId: "User@Example.com", items: ["c-1"] },
          { userId: "registered", items: [] },
        ]);
        expect(typeof store.absentUsers, "absentUsers is implemented").toBe("function");
        const absent = await store.absentUsers?.([
          "user@example.com",
          "User@Example.com",
          "registered",
          "nobody",
        ]);
        expect(absent?.sort(), "ids without a record").toEqual(["nobody", "user@example.com"]);
        expect(await store.absentUsers?.([]), "no ids").toEqual([]);
      });
    }

    it("grant adds an item once, appends after the existing ones and creates an absent user", async () => {
      const store = await open([{ userId: "u", items: ["c-1"] }]);
      expect(await store.grant("u", "c-2"), "new item").toEqual({ granted: true });
      expect(await store.grant("u", "c-2"), "same item again").toEqual({ granted: false });
      expect(await itemsOf(store, "u"), "stored once, in order").toEqual(["c-1", "c-2"]);
      expect(await store.grant("new-user", "c-9"), "absent user").toEqual({ granted: true });
      expect(await itemsOf(store, "new-user"), "record created").toEqual(["c-9"]);
    });

    it("ten concurrent grants of one item store it once; concurrent grants of different items lose none", async () => {
      const store = await open([{ userId: "u", items: [] }]);
      const same = await Promise.all(Array.from({ length: 10 }, () => store.grant("u", "c-1")));
      expect(same.filter((o) => o.granted).length, "one grant wins").toBe(1);
      expect(await itemsOf(store, "u"), "one copy").toEqual(["c-1"]);
      const absent = await Promise.all(
        Array.from({ length: 10 }, () => store.grant("fresh", "c-1")),
      );
      expect(absent.filter((o) => o.granted).length, "one grant wins for an absent user").toBe(1);
      expect(await itemsOf(store, "fresh"), "one copy for an absent user").toEqual(["c-1"]);
      await Promise.all(Array.from({ length: 8 }, (_, i) => store.grant("u", `d-${i}`)));
      expect((await itemsOf(store, "u"))?.sort(), "no lost update").toEqual(
        ["c-1", ...Array.from({ length: 8 }, (_, i) => `d-${i}`)].sort(),
      );
    });

    it("revoke removes every copy; revoking what is not there changes nothing", async () => {
      const store = await open([{ userId: "u", items: ["c-1", "c-2", "c-1"] }]);
      expect(await store.revoke("u", "c-1"), "revoked").toEqual({ revoked: true });
      expect(await itemsOf(store, "u"), "all copies gone").toEqual(["c-2"]);
      expect(await store.revoke("u", "c-1"), "again").toEqual({ revoked: false });
      expect(await store.revoke("nobody", "c-1"), "absent user").toEqual({ revoked: false });
      expect(await itemsOf(store, "nobody"), "absent user not created").toBeNull();
    });

    it("dedupe keeps the first copy and answers how many it removed", async () => {
      const store = await open([{ userId: "u", items: ["c-1", "c-2", "c-1", "c-3", "c-1"] }]);
      expect(await store.dedupe("u", "c-1"), "two removed").toEqual({ removed: 2 });
      expect(await itemsOf(store, "u"), "one copy left, order kept").toEqual(["c-1", "c-2", "c-3"]);
      expect(await store.dedupe("u", "c-1"), "nothing left to remove").toEqual({ removed: 0 });
      expect(await store.dedupe("nobody", "c-1"), "absent user").toEqual({ removed: 0 });
    });
  });
}
