import { caseExpect as expect } from "@lunas/core/conformance";
import { ManualClock } from "@lunas/core/testing";
import { afterEach, beforeEach, describe, it } from "vitest";
import type { HotspotRouter, NewHotspotUser } from "../router/hotspot-router.js";

export interface HotspotRouterConformanceContext {
  clock: ManualClock;
}

/** A fresh router with no hotspot users and a profile named `default`. */
export type HotspotRouterFactory = (
  context: HotspotRouterConformanceContext,
) => Promise<{ router: HotspotRouter; cleanup(): Promise<void> }>;

function user(
  name: string,
  purchaseTag: string,
  extra: Partial<NewHotspotUser> = {},
): NewHotspotUser {
  return {
    name,
    password: name,
    profile: "default",
    comment: `vc-123-01.31.26-`,
    purchaseTag,
    ...extra,
  };
}

/**
 * The shared `HotspotRouter` suite: every adapter runs it, and so can yours:
 * `hotspotRouterConformance("my router", async ({ clock }) => ({ router, cleanup }))`.
 */
export function hotspotRouterConformance(name: string, factory: HotspotRouterFactory): void {
  describe(`HotspotRouter conformance: ${name}`, () => {
    let router: HotspotRouter;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      const created = await factory({ clock: new ManualClock() });
      router = created.router;
      cleanup = created.cleanup;
    });
    afterEach(async () => {
      await cleanup();
    });

    it("adds users and finds them by purchase tag, every value a string", async () => {
      const outcomes = await router.addUsers([
        user("0123", "p1", { password: "true", limitUptime: "30d", limitBytesTotal: 1073741824 }),
        user("abc", "p1"),
      ]);
      expect(
        outcomes.map((o) => o.status),
        "adds: both added",
      ).toEqual(["added", "added"]);
      const found = await router.findPurchaseUsers("p1");
      expect(
        found.map((u) => u.name),
        "adds: names in order, 0123 a string",
      ).toEqual(["0123", "abc"]);
      expect(found[0], "adds: fields read back").toMatchObject({
        name: "0123",
        password: "true",
        profile: "default",
        limitUptime: "30d",
        limitBytesTotal: 1073741824,
        purchaseTag: "p1",
      });
      expect(found[0]?.id, "adds: id of the outcome").toBe((outcomes[0] as { id: string }).id);
    });

    it("answers name_taken for a name already on the router and adds the rest", async () => {
      await router.addUsers([user("taken", "other")]);
      const outcomes = await router.addUsers([user("taken", "p1"), user("free", "p1")]);
      expect(
        outcomes.map((o) => o.status),
        "name taken: outcomes",
      ).toEqual(["name_taken", "added"]);
      expect(
        (await router.findPurchaseUsers("p1")).map((u) => u.name),
        "name taken: p1",
      ).toEqual(["free"]);
    });

    it("throws HOTSPOT_PROFILE_NOT_FOUND for a profile the router does not have", async () => {
      await expect(
        router.addUsers([user("x", "p1", { profile: "no-such-profile" })]),
        "unknown profile",
      ).rejects.toMatchObject({ code: "HOTSPOT_PROFILE_NOT_FOUND" });
      expect(await router.findPurchaseUsers("p1"), "unknown profile: nothing added").toEqual([]);
    });

    it("finds nothing for a purchase without users, and keeps similar tags apart", async () => {
      expect(await router.findPurchaseUsers("p1"), "empty: no users").toEqual([]);
      await router.addUsers([user("a", "p10"), user("b", "p1x")]);
      expect(await router.findPurchaseUsers("p1"), "similar tags: none for p1").toEqual([]);
    });

    it("removes the users of one purchase only", async () => {
      await router.addUsers([user("a", "p1"), user("b", "p1"), user("c", "p2")]);
      expect(await router.removePurchaseUsers("p1"), "remove: count").toBe(2);
      expect(await router.findPurchaseUsers("p1"), "remove: p1 gone").toEqual([]);
      expect(
        (await router.findPurchaseUsers("p2")).map((u) => u.name),
        "remove: p2 kept",
      ).toEqual(["c"]);
      expect(await router.removePurchaseUsers("p1"), "remove: again is 0").toBe(0);
    });

    it("removes users by id, ignoring ids already gone", async () => {
      await router.addUsers([user("a", "p1"), user("b", "p1")]);
      const [a, b] = await router.findPurchaseUsers("p1");
      await router.removeUsers([a!.id]);
      await router.removeUsers([a!.id, b!.id]);
      expect(await router.findPurchaseUsers("p1"), "remove by id: none left").toEqual([]);
    });

    it("lists profiles and answers a connectivity check", async () => {
      expect(await router.listProfiles(), "profiles: default").toContain("default");
      await expect(router.checkConnection(), "check: resolves").resolves.toMatchObject({
        identity: expect.any(String),
      });
    });
  });
}
