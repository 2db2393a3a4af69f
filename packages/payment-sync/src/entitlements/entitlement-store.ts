import { portSchema } from "@lunas/core/validation";

/** A user's record on the entitlement side, as stored: `items` may repeat (that is drift). */
export interface UserEntitlements {
  userId: string;
  /** Granted item ids in stored order, duplicates included. */
  items: string[];
}

/**
 * What was granted. Grants and revokes are idempotent, and a grant never
 * creates a second copy of an item, however many writers race.
 */
export interface EntitlementStore {
  /** Every user record, a page at a time, each user exactly once over all pages. */
  listUsers(request: {
    cursor: string | null;
    limit: number;
  }): Promise<{ items: UserEntitlements[]; cursor: string | null }>;
  /** The records of those of `userIds` that exist (absent users are left out). */
  getUsers(userIds: readonly string[]): Promise<UserEntitlements[]>;
  /**
   * Optional: those of `userIds` that have no record, without reading anyone's
   * grants. The engine asks it for every paying user; a store that can answer
   * it cheaply (one anti-join in SQL) saves reading every record a second time.
   * Without it the engine uses `getUsers`.
   */
  absentUsers?(userIds: readonly string[]): Promise<string[]>;
  /** Adds `itemId` unless the user already has it; creates the user record when absent. */
  grant(userId: string, itemId: string): Promise<{ granted: boolean }>;
  /** Removes every copy of `itemId` from the user; `revoked: false` when there was none. */
  revoke(userId: string, itemId: string): Promise<{ revoked: boolean }>;
  /** Keeps exactly one copy of `itemId`; answers how many copies were removed. */
  dedupe(userId: string, itemId: string): Promise<{ removed: number }>;
}

/** Refuses an object that is not an `EntitlementStore` before anything runs. */
export const entitlementStoreSchema = portSchema<EntitlementStore>("EntitlementStore", [
  "listUsers",
  "getUsers",
  "grant",
  "revoke",
  "dedupe",
]);
