import { type Clock, LunasError, parseInput, type Sleep, systemClock } from "@lunas/core";
import { callableSchema, clockSchema, sleepSchema } from "@lunas/core/validation";
import { z } from "zod";
import {
  type EntitlementStore,
  entitlementStoreSchema,
  type UserEntitlements,
} from "../entitlements/entitlement-store.js";
import {
  type Payment,
  type PaymentSource,
  paymentSourceSchema,
} from "../payments/payment-source.js";
import {
  REPORT_SCHEMA_VERSION,
  type ReconciliationError,
  type ReconciliationReport,
  type UserDrift,
} from "../report/report-schema.js";
import { retryingCalls } from "./port-calls.js";
import { compareIds, type FoundDrift, findUserDrift } from "./user-drift.js";
import { applyFixes, type Fixes, NO_FIXES, planFixes } from "./user-repair.js";

export interface ReconcileProgress {
  /** `entitlements`: walking user records; `payments`: looking for paying users without one. */
  phase: "entitlements" | "payments";
  usersChecked: number;
  paymentsChecked: number;
  usersWithDrift: number;
  fixed: number;
}

export interface ReconcileOptions {
  source: PaymentSource;
  entitlements: EntitlementStore;
  /** `validate` only reports; `fix` also repairs. */
  mode: "validate" | "fix";
  /** With `fix`: plan the repairs and report them, write nothing. Default false. */
  dryRun?: boolean;
  /** With `fix`: also revoke grants nobody paid for. Default false (they are only reported). */
  revokeExtra?: boolean;
  /** Batches checked at once. Default 4. */
  concurrency?: number;
  /** Users per page read from either side. Default 500. */
  batchSize?: number;
  /** Stops reading new pages; the report then says `complete: false`. */
  signal?: AbortSignal;
  /** Called after every batch (errors it throws are ignored). */
  onProgress?: (progress: ReconcileProgress) => void;
  clock?: Clock;
  /** Attempts per port call (first included) when a call fails. Default 3. */
  maxAttempts?: number;
  /** First backoff delay between attempts. Default 200 ms. */
  retryBaseDelayMs?: number;
  /** Waits between attempts. Default: a real timer. */
  sleep?: Sleep;
}

const optionsSchema = z.strictObject({
  source: paymentSourceSchema,
  entitlements: entitlementStoreSchema,
  mode: z.enum(["validate", "fix"]),
  dryRun: z.boolean().default(false),
  revokeExtra: z.boolean().default(false),
  concurrency: z.number().int().min(1).max(64).default(4),
  batchSize: z.number().int().min(1).max(10_000).default(500),
  signal: z
    .custom<AbortSignal>(
      (value) => typeof (value as AbortSignal | null)?.aborted === "boolean",
      "must be an AbortSignal",
    )
    .optional(),
  onProgress: callableSchema<(progress: ReconcileProgress) => void>().optional(),
  clock: clockSchema.default(systemClock),
  maxAttempts: z.number().int().min(1).max(20).default(3),
  retryBaseDelayMs: z.number().min(0).default(200),
  sleep: sleepSchema.optional(),
});

function errorOf(userId: string | null, error: unknown): ReconciliationError {
  // A port error's cause (RetryExhausted wraps the last one) says more than the wrapper.
  const shown =
    error instanceof LunasError && error.code === "RETRY_EXHAUSTED" ? error.cause : error;
  return {
    userId,
    code: shown instanceof LunasError ? shown.code : "PORT_CALL_FAILED",
    message: shown instanceof Error ? shown.message : String(shown),
  };
}

/**
 * Compares what was paid with what was granted, user by user, and (in `fix`
 * mode) repairs it. Streaming: it walks the entitlement side a page at a time,
 * reading only that page's users' payments, then walks the paying users a page
 * at a time to find those without a record. At most `concurrency` pages are in
 * memory; only drifted users are kept, for the report.
 */
export async function reconcile(options: ReconcileOptions): Promise<ReconciliationReport> {
  const opts = parseInput(optionsSchema, options, "reconcile options");
  const { source, entitlements, mode, dryRun, revokeExtra, concurrency, batchSize, signal, clock } =
    opts;
  const call = retryingCalls({
    maxAttempts: opts.maxAttempts,
    baseDelayMs: opts.retryBaseDelayMs,
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  });
  const startedAt = clock.now();
  const drifted = new Map<string, UserDrift>();
  const errors: ReconciliationError[] = [];
  const totals = { usersChecked: 0, paymentsChecked: 0, fixed: 0 };
  let complete = true;
  let phase: ReconcileProgress["phase"] = "entitlements";

  const progress = () => {
    try {
      opts.onProgress?.({
        phase,
        usersChecked: totals.usersChecked,
        paymentsChecked: totals.paymentsChecked,
        usersWithDrift: drifted.size,
        fixed: totals.fixed,
      });
    } catch {
      // A failing progress display must not stop a repair halfway.
    }
  };

  const settle = async (found: FoundDrift) => {
    let fixed: Fixes = NO_FIXES;
    if (mode === "fix") {
      const plan = planFixes(found, revokeExtra);
      if (dryRun) fixed = plan;
      else {
        fixed = { granted: [], revoked: [], deduplicated: [] };
        try {
          await applyFixes(entitlements, found.userId, plan, call, fixed);
        } catch (error) {
          errors.push(errorOf(found.userId, error));
        }
      }
      totals.fixed += fixed.granted.length + fixed.revoked.length + fixed.deduplicated.length;
    }
    drifted.set(found.userId, { ...found, fixed });
  };

  const checkUsers = async (records: readonly UserEntitlements[], payments: readonly Payment[]) => {
    const byUser = new Map<string, Payment[]>();
    for (const payment of payments) {
      const list = byUser.get(payment.userId);
      if (list) list.push(payment);
      else byUser.set(payment.userId, [payment]);
    }
    totals.usersChecked += records.length;
    totals.paymentsChecked += payments.length;
    for (const record of records) {
      const found = findUserDrift(record.userId, byUser.get(record.userId) ?? [], record);
      if (found) await settle(found);
    }
  };

  // Runs page tasks with at most `concurrency` in flight, reading pages in order.
  const walk = async <T>(
    readPage: (cursor: string | null) => Promise<{ items: T[]; cursor: string | null }>,
    handle: (items: T[]) => Promise<void>,
  ) => {
    const running = new Set<Promise<void>>();
    let cursor: string | null = null;
    try {
      do {
        if (signal?.aborted) {
          complete = false;
          break;
        }
        const page = await call(() => readPage(cursor));
        const task: Promise<void> = handle(page.items)
          .catch((error: unknown) => {
            // The batch's users were not checked: the report must not pass as whole.
            complete = false;
            errors.push(errorOf(null, error));
          })
          .finally(() => {
            running.delete(task);
            progress();
          });
        running.add(task);
        if (running.size >= concurrency) await Promise.race(running);
        cursor = page.cursor;
      } while (cursor !== null);
    } catch (error) {
      complete = false;
      errors.push(errorOf(null, error));
    }
    await Promise.all(running);
  };

  await walk(
    (cursor) => entitlements.listUsers({ cursor, limit: batchSize }),
    async (records) => {
      const payments = await call(() => source.paymentsOf(records.map((r) => r.userId)));
      await checkUsers(records, payments);
    },
  );

  phase = "payments";
  // Paying users seen without a record: a source may list a user on several pages.
  const absentSeen = new Set<string>();
  await walk(
    (cursor) => source.listPaymentUsers({ cursor, limit: batchSize }),
    async (userIds) => {
      const fresh = userIds.filter((id) => !absentSeen.has(id));
      if (fresh.length === 0) return;
      const withoutRecord = entitlements.absentUsers
        ? await call(() => entitlements.absentUsers?.(fresh) ?? Promise.resolve([]))
        : await call(async () => {
            const present = new Set((await entitlements.getUsers(fresh)).map((r) => r.userId));
            return fresh.filter((id) => !present.has(id));
          });
      // Re-checked after the await: a concurrent page may have reported the same user.
      const absent = [...new Set(withoutRecord)].filter((id) => !absentSeen.has(id));
      if (absent.length === 0) return;
      for (const id of absent) absentSeen.add(id);
      const payments = await call(() => source.paymentsOf(absent));
      const byUser = new Map<string, Payment[]>();
      for (const payment of payments) {
        const list = byUser.get(payment.userId);
        if (list) list.push(payment);
        else byUser.set(payment.userId, [payment]);
      }
      totals.usersChecked += absent.length;
      totals.paymentsChecked += payments.length;
      for (const id of absent) {
        const found = findUserDrift(id, byUser.get(id) ?? [], null);
        if (found) await settle(found);
      }
    },
  );

  const users = [...drifted.values()].sort((a, b) => compareIds(a.userId, b.userId));
  const finishedAt = clock.now();
  const count = (pick: (fixed: Fixes) => string[]) =>
    users.reduce((sum, user) => sum + pick(user.fixed).length, 0);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    mode,
    dryRun: mode === "fix" && dryRun,
    revokeExtra: mode === "fix" && revokeExtra,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    durationMs: Math.max(0, finishedAt - startedAt),
    complete,
    totals: {
      usersChecked: totals.usersChecked,
      paymentsChecked: totals.paymentsChecked,
      usersWithDrift: users.length,
      missing: users.reduce((sum, user) => sum + user.missing.length, 0),
      extra: users.reduce((sum, user) => sum + user.extra.length, 0),
      duplicates: users.reduce((sum, user) => sum + user.duplicates.length, 0),
      absentUsers: users.filter((user) => user.absentFrom !== null).length,
      fixed: {
        granted: count((f) => f.granted),
        revoked: count((f) => f.revoked),
        deduplicated: count((f) => f.deduplicated),
      },
      errors: errors.length,
    },
    users,
    errors,
  };
}
