import { generateVoucherCodes, type RandomBytes } from "../codes/voucher-codes.js";
import { dataLimitBytes } from "../codes/voucher-plan.js";
import type { HotspotRouter, HotspotUser, NewHotspotUser } from "../router/hotspot-router.js";
import { VoucherCountMismatchError } from "./purchase-errors.js";
import type { Purchase } from "./voucher-store.js";

/** Names lost to other users between our read and our add are drawn again this many times. */
const MAX_NAME_ROUNDS = 5;

/**
 * Mikhmon's comment form, `vc-123-01.31.26-<note>`, so Mikhmon lists the users
 * as one batch and its on-login script tracks their expiry.
 */
function mikhmonComment(purchase: Purchase, now: number, random: RandomBytes): string {
  const date = new Date(now);
  const pad = (n: number) => String(n).padStart(2, "0");
  const batch = String(100 + ((random(1)[0] ?? 0) % 900));
  const day = `${pad(date.getUTCMonth() + 1)}.${pad(date.getUTCDate())}.${pad(date.getUTCFullYear() % 100)}`;
  return `${purchase.plan.mode}-${batch}-${day}-${purchase.id}`;
}

/**
 * Makes the router hold exactly `purchase.quantity` users tagged with the
 * purchase: reads what an earlier attempt (or a crashed worker) left, creates
 * only what is missing, removes any surplus, and reads back to prove the count.
 */
export async function ensurePurchaseOnRouter(
  router: HotspotRouter,
  purchase: Purchase,
  context: { now: number; random: RandomBytes },
): Promise<HotspotUser[]> {
  const tag = purchase.id;
  const { plan } = purchase;
  let users = await router.findPurchaseUsers(tag);
  const taken = new Set(users.map((user) => user.name));
  let missing = purchase.quantity - users.length;
  const comment = mikhmonComment(purchase, context.now, context.random);
  for (let round = 0; missing > 0; round++) {
    if (round === MAX_NAME_ROUNDS) break;
    const codes = generateVoucherCodes(plan, missing, { random: context.random, taken });
    const batch: NewHotspotUser[] = codes.map((code) => ({
      name: code.username,
      password: code.password,
      profile: plan.profile,
      comment,
      purchaseTag: tag,
      ...(plan.timeLimit ? { limitUptime: plan.timeLimit } : {}),
      ...(plan.dataLimit ? { limitBytesTotal: dataLimitBytes(plan.dataLimit) } : {}),
    }));
    const outcomes = await router.addUsers(batch);
    for (const outcome of outcomes) taken.add(outcome.name);
    missing = outcomes.filter((outcome) => outcome.status === "name_taken").length;
  }
  users = await router.findPurchaseUsers(tag);
  if (users.length > purchase.quantity) {
    // Only a worker that lost its claim mid-run adds beyond the count; its
    // users were never delivered, so the newest go.
    await router.removeUsers(users.slice(purchase.quantity).map((user) => user.id));
    users = await router.findPurchaseUsers(tag);
  }
  if (users.length !== purchase.quantity) {
    throw new VoucherCountMismatchError(purchase.id, purchase.quantity, users.length);
  }
  return users;
}
