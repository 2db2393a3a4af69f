import { type Clock, parseInput, systemClock } from "@lunas/core";
import { clockSchema } from "@lunas/core/validation";
import { z } from "zod";
import {
  type EntitlementStore,
  entitlementStoreSchema,
} from "../entitlements/entitlement-store.js";
import {
  type Payment,
  type PaymentSource,
  paymentSourceSchema,
} from "../payments/payment-source.js";
import type { ReconciliationReport, UserDrift } from "../report/report-schema.js";
import { retryingCalls } from "./port-calls.js";
import { type ReconcileOptions, reconcile } from "./reconcile.js";
import { findUserDrift } from "./user-drift.js";
import { applyFixes, NO_FIXES, planFixes } from "./user-repair.js";

export interface PaymentSyncOptions {
  source: PaymentSource;
  entitlements: EntitlementStore;
  clock?: Clock;
}

/** One user's two sides and how they disagree (`drift: null` when they agree). */
export interface UserState {
  userId: string;
  payments: Payment[];
  /** The user's stored grants, or `null` when the user has no record. */
  items: string[] | null;
  drift: UserDrift | null;
}

export interface PaymentSync {
  /** The whole reconciliation (see `reconcile`), over this sync's source and store. */
  reconcile(
    options: Omit<ReconcileOptions, "source" | "entitlements" | "clock">,
  ): Promise<ReconciliationReport>;
  /** One user's state, nothing changed. */
  validateUser(userId: string): Promise<UserState>;
  /** Repairs one user as `fix` would (grants, dedupes; revokes only with `revokeExtra`). */
  syncUser(
    userId: string,
    options?: { dryRun?: boolean; revokeExtra?: boolean },
  ): Promise<UserState>;
  /**
   * Whether the user may use the item: a successful payment answers yes even
   * when the grant was never written; otherwise the grant decides.
   */
  hasAccess(userId: string, itemId: string): Promise<boolean>;
}

const optionsSchema = z.strictObject({
  source: paymentSourceSchema,
  entitlements: entitlementStoreSchema,
  clock: clockSchema.default(systemClock),
});
const idSchema = z.string().min(1, "must not be empty").max(512);
const syncUserSchema = z.strictObject({
  userId: idSchema,
  options: z
    .strictObject({ dryRun: z.boolean().default(false), revokeExtra: z.boolean().default(false) })
    .default({ dryRun: false, revokeExtra: false }),
});
const accessSchema = z.strictObject({ userId: idSchema, itemId: idSchema });

/** The engine bound to one source and one store, with the per-user verbs of the original system. */
export function createPaymentSync(options: PaymentSyncOptions): PaymentSync {
  const { source, entitlements, clock } = parseInput(
    optionsSchema,
    options,
    "payment sync options",
  );
  const call = retryingCalls({ maxAttempts: 3, baseDelayMs: 200 });

  const readUser = async (userId: string) => {
    const [payments, records] = await Promise.all([
      call(() => source.paymentsOf([userId])),
      call(() => entitlements.getUsers([userId])),
    ]);
    const record = records[0] ?? null;
    return { payments, record, found: findUserDrift(userId, payments, record) };
  };

  return {
    reconcile: (run) => reconcile({ ...run, source, entitlements, clock }),

    async validateUser(userId) {
      parseInput(idSchema, userId, "validateUser userId");
      const { payments, record, found } = await readUser(userId);
      return {
        userId,
        payments,
        items: record?.items ?? null,
        drift: found ? { ...found, fixed: NO_FIXES } : null,
      };
    },

    async syncUser(userId, runOptions) {
      const { options: run } = parseInput(
        syncUserSchema,
        { userId, options: runOptions },
        "syncUser arguments",
      );
      const { payments, record, found } = await readUser(userId);
      if (!found) return { userId, payments, items: record?.items ?? null, drift: null };
      const plan = planFixes(found, run.revokeExtra);
      const fixed = run.dryRun ? plan : await applyFixes(entitlements, userId, plan, call);
      const after = run.dryRun
        ? record
        : ((await call(() => entitlements.getUsers([userId])))[0] ?? null);
      return { userId, payments, items: after?.items ?? null, drift: { ...found, fixed } };
    },

    async hasAccess(userId, itemId) {
      parseInput(accessSchema, { userId, itemId }, "hasAccess arguments");
      const payments = await call(() => source.paymentsOf([userId]));
      if (payments.some((payment) => payment.itemId === itemId)) return true;
      const [record] = await call(() => entitlements.getUsers([userId]));
      return record?.items.includes(itemId) ?? false;
    },
  };
}
