import type { EntitlementStore } from "../entitlements/entitlement-store.js";
import type { UserDrift } from "../report/report-schema.js";
import type { FoundDrift } from "./user-drift.js";

export type Fixes = UserDrift["fixed"];

export const NO_FIXES: Fixes = Object.freeze({
  granted: [],
  revoked: [],
  deduplicated: [],
}) as unknown as Fixes;

/** What a fix run does about a drift: grant what was paid, dedupe, revoke extras only when allowed. */
export function planFixes(drift: FoundDrift, revokeExtra: boolean): Fixes {
  const revoked = revokeExtra ? [...drift.extra] : [];
  return {
    granted: drift.missing.map((m) => m.itemId),
    revoked,
    // A revoked item loses every copy, so it needs no dedupe.
    deduplicated: drift.duplicates.map((d) => d.itemId).filter((item) => !revoked.includes(item)),
  };
}

/**
 * Applies a plan, recording into `done` what really changed: a grant another
 * writer made first is not counted, so a report never claims a change it did
 * not make. When a step throws, `done` still holds the steps before it.
 */
export async function applyFixes(
  entitlements: EntitlementStore,
  userId: string,
  plan: Fixes,
  call: <T>(fn: () => Promise<T>) => Promise<T>,
  done: Fixes = { granted: [], revoked: [], deduplicated: [] },
): Promise<Fixes> {
  for (const item of plan.granted) {
    if ((await call(() => entitlements.grant(userId, item))).granted) done.granted.push(item);
  }
  for (const item of plan.deduplicated) {
    if ((await call(() => entitlements.dedupe(userId, item))).removed > 0) {
      done.deduplicated.push(item);
    }
  }
  for (const item of plan.revoked) {
    if ((await call(() => entitlements.revoke(userId, item))).revoked) done.revoked.push(item);
  }
  return done;
}
