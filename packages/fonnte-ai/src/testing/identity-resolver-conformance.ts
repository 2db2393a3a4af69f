import { caseExpect as expect } from "@lunas/core/conformance";
import { afterEach, beforeEach, describe, it } from "vitest";
import type { IdentityResolver } from "../identity/identity-resolver.js";

/** A row the factory must put in its users table before returning. */
export interface SeedUser {
  id: string;
  phone_number: string | null;
  is_approved: boolean;
}

export interface IdentityResolverConformanceContext {
  users: readonly SeedUser[];
}

export type IdentityResolverFactory = (
  context: IdentityResolverConformanceContext,
) => Promise<{ resolver: IdentityResolver; cleanup(): Promise<void> }>;

const USERS: readonly SeedUser[] = [
  { id: "u-approved", phone_number: "6281234567890", is_approved: true },
  { id: "u-pending", phone_number: "6281298765432", is_approved: false },
  { id: "u-nophone", phone_number: null, is_approved: true },
  { id: "u-other", phone_number: null, is_approved: true },
];

/**
 * The shared `IdentityResolver` suite. The factory creates the users table
 * (`id`, `phone_number`, `is_approved`, a unique index on `phone_number`)
 * with `context.users` in it.
 */
export function identityResolverConformance(name: string, factory: IdentityResolverFactory): void {
  describe(`IdentityResolver conformance: ${name}`, () => {
    let resolver: IdentityResolver;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ resolver, cleanup } = await factory({ users: USERS }));
    });
    afterEach(async () => {
      await cleanup();
    });

    it("resolves an approved user, an unapproved one, and nobody", async () => {
      expect(await resolver.resolve("6281234567890"), "approved").toEqual({
        userId: "u-approved",
        approved: true,
      });
      expect(await resolver.resolve("6281298765432"), "not approved").toEqual({
        userId: "u-pending",
        approved: false,
      });
      expect(await resolver.resolve("6281111111111"), "unknown").toBeNull();
    });

    it("links a number to a user, after which it resolves to them", async () => {
      expect(await resolver.linkPhone("u-nophone", "6285712345678"), "linked").toBe("linked");
      expect(await resolver.resolve("6285712345678"), "resolves").toEqual({
        userId: "u-nophone",
        approved: true,
      });
      expect(await resolver.linkPhone("u-nophone", "6285712345678"), "again is fine").toBe(
        "linked",
      );
    });

    it("refuses a number another user has, and a user that does not exist", async () => {
      expect(await resolver.linkPhone("u-other", "6281234567890"), "taken").toBe("taken");
      expect(await resolver.resolve("6281234567890"), "still the owner's").toMatchObject({
        userId: "u-approved",
      });
      expect(await resolver.linkPhone("u-missing", "6285799999999"), "no user").toBe("no_user");
    });
  });
}
