import {
  type Clock,
  createIdempotentProcessor,
  IdempotencyLeaseLostError,
  type IdempotencyStore,
  LunasError,
  parseInput,
  realSleep,
  retry,
  type Sleep,
  systemClock,
} from "@lunas/core";
import {
  callableSchema,
  clockSchema,
  idempotencyStoreSchema,
  portSchema,
  sleepSchema,
} from "@lunas/core/validation";
import { z } from "zod";
import { CHARSETS } from "../codes/charsets.js";
import {
  cryptoRandomBytes,
  type RandomBytes,
  VoucherCodeSpaceExhaustedError,
} from "../codes/voucher-codes.js";
import { type VoucherPlan, voucherPlanSchema } from "../codes/voucher-plan.js";
import { type DeliveryOutcome, deliverVouchers } from "../delivery/delivery-sender.js";
import type { VoucherDelivery } from "../delivery/voucher-delivery.js";
import {
  indonesianVoucherMessage,
  type VoucherMessageTemplate,
} from "../delivery/voucher-message.js";
import type { HotspotRouter } from "../router/hotspot-router.js";
import { HotspotProfileNotFoundError } from "../router/hotspot-router-errors.js";
import {
  PurchaseConflictError,
  PurchaseNotFoundError,
  PurchaseStatusError,
} from "./purchase-errors.js";
import { ensurePurchaseOnRouter } from "./router-fulfilment.js";
import {
  type DeliveryAttempt,
  PURCHASE_STATUSES,
  type Purchase,
  type PurchasePage,
  type PurchaseStatus,
  type StoredVoucher,
  type VoucherStatistics,
  type VoucherStore,
} from "./voucher-store.js";

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface VoucherServiceOptions {
  store: VoucherStore;
  router: HotspotRouter;
  delivery: VoucherDelivery;
  /** Core's claim store: "once per purchase" across processes (use `PostgresIdempotencyStore` with several workers). */
  idempotency: IdempotencyStore;
  /** Printed in the message, e.g. `http://hotspot.example/login`. */
  hotspotLoginUrl: string;
  /** Default: `indonesianVoucherMessage`. */
  messageTemplate?: VoucherMessageTemplate;
  /** Router attempts per fulfilment. Default 3 attempts, 1 s base, 30 s cap (full jitter). */
  generationRetry?: RetryPolicy;
  /** Delivery attempts. Default 3 attempts, 2 s base, 60 s cap. */
  deliveryRetry?: RetryPolicy;
  /** One `send` may take this long. Default 30 000 ms. */
  deliveryTimeoutMs?: number;
  /** A purchase unpaid this long after creation is expired by `cleanupExpired()`. Default 24 h. */
  paymentWindowMs?: number;
  /** How long one worker holds a purchase before another may take over; renewed before each router retry. Must outlast one attempt. Default 10 min. */
  leaseMs?: number;
  clock?: Clock;
  sleep?: Sleep;
  /** Jitter for retries, in [0, 1). Default Math.random. */
  random?: () => number;
  /** Randomness of voucher codes. Default Web Crypto. */
  randomBytes?: RandomBytes;
}

export interface CreatePurchaseInput {
  /** Your order id: letters, digits, `_ . -`, up to 64. Also the tag of its router users. */
  id: string;
  /** 1 to 10 000 vouchers. */
  quantity: number;
  /** Where the codes go (WhatsApp), digits with an optional leading +. */
  customerPhone: string;
  plan: VoucherPlan;
}

export interface FulfilmentResult {
  purchase: Purchase;
  vouchers: StoredVoucher[];
  /** `false` when this call made (or completed) the vouchers; `true` when an earlier one had. */
  replayed: boolean;
  /** Set when this call sent the codes. */
  delivery?: DeliveryOutcome;
}

export interface BulkRegenerateResult {
  id: string;
  status: PurchaseStatus | "error";
  error?: { code: string; message: string };
}

/** The router stayed unreachable (or kept failing) for every attempt. The purchase is `voucher_generation_failed`. */
export class VoucherGenerationFailedError extends LunasError {
  constructor(purchaseId: string, cause: unknown) {
    super(
      "VOUCHER_GENERATION_FAILED",
      `Vouchers of purchase ${purchaseId} could not be created on the router: ${(cause as Error)?.message ?? cause}. Call regenerate(${JSON.stringify(purchaseId)}) once the router is back.`,
      { cause },
    );
  }
}

const purchaseIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1-64 letters, digits, _ . or -");

const retryPolicySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(20).optional(),
  baseDelayMs: z.number().int().min(0).optional(),
  maxDelayMs: z.number().int().min(0).optional(),
});

const optionsSchema = z.strictObject({
  store: portSchema<VoucherStore>("VoucherStore", [
    "insertPurchase",
    "getPurchase",
    "changeStatus",
    "completePurchase",
    "listVouchers",
    "deleteVouchers",
    "recordDelivery",
    "listDeliveries",
    "listPurchases",
    "listExpiredPending",
    "statistics",
  ]),
  router: portSchema<HotspotRouter>("HotspotRouter", [
    "addUsers",
    "findPurchaseUsers",
    "removeUsers",
    "removePurchaseUsers",
    "listProfiles",
    "checkConnection",
  ]),
  delivery: portSchema<VoucherDelivery>("VoucherDelivery", ["send"]),
  idempotency: idempotencyStoreSchema,
  hotspotLoginUrl: z.url(),
  messageTemplate: callableSchema<VoucherMessageTemplate>().default(() => indonesianVoucherMessage),
  generationRetry: retryPolicySchema.default({}),
  deliveryRetry: retryPolicySchema.default({}),
  deliveryTimeoutMs: z.number().int().positive().default(30_000),
  paymentWindowMs: z
    .number()
    .int()
    .positive()
    .default(24 * 60 * 60 * 1000),
  leaseMs: z
    .number()
    .int()
    .positive()
    .default(10 * 60 * 1000),
  clock: clockSchema.default(systemClock),
  sleep: sleepSchema.default(() => realSleep),
  random: callableSchema<() => number>().default(() => Math.random),
  randomBytes: callableSchema<RandomBytes>().default(() => cryptoRandomBytes),
});

const createPurchaseSchema = z
  .strictObject({
    id: purchaseIdSchema,
    quantity: z.number().int().min(1).max(10_000),
    customerPhone: z.string().regex(/^\+?[0-9]{8,16}$/, "must be 8-16 digits, optionally after +"),
    plan: voucherPlanSchema,
  })
  .refine((input) => CHARSETS[input.plan.charset].length ** input.plan.length >= input.quantity, {
    message: "this many codes do not exist at this length and character set",
    path: ["quantity"],
  });

const listSchema = z.strictObject({
  status: z.enum(PURCHASE_STATUSES as [PurchaseStatus, ...PurchaseStatus[]]).optional(),
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).default(0),
});

const CANNOT_RETRY = [
  HotspotProfileNotFoundError,
  VoucherCodeSpaceExhaustedError,
  IdempotencyLeaseLostError,
];

/**
 * The purchase lifecycle: `pending` → (paid) vouchers on the router →
 * `completed` → delivered; or `voucher_generation_failed` when the router
 * stays down (then `regenerate`); or `failed` / `expired` with the router
 * users removed. Once per purchase rests on core's idempotent processor;
 * exactly `quantity` rests on the purchase tag every router user carries.
 */
export function createVoucherService(options: VoucherServiceOptions) {
  const config = parseInput(optionsSchema, options, "voucher service options");
  const { store, router, clock } = config;
  const processor = createIdempotentProcessor({
    store: config.idempotency,
    leaseMs: config.leaseMs,
    clock,
  });
  const generation = {
    maxAttempts: config.generationRetry.maxAttempts ?? 3,
    baseDelayMs: config.generationRetry.baseDelayMs ?? 1_000,
    maxDelayMs: config.generationRetry.maxDelayMs ?? 30_000,
  };
  const deliveryConfig = {
    store,
    delivery: config.delivery,
    template: config.messageTemplate,
    loginUrl: config.hotspotLoginUrl,
    clock,
    sleep: config.sleep,
    random: config.random,
    maxAttempts: config.deliveryRetry.maxAttempts ?? 3,
    baseDelayMs: config.deliveryRetry.baseDelayMs ?? 2_000,
    maxDelayMs: config.deliveryRetry.maxDelayMs ?? 60_000,
    timeoutMs: config.deliveryTimeoutMs,
  };
  const now = () => Math.floor(clock.now());

  const load = async (id: string): Promise<Purchase> => {
    const purchase = await store.getPurchase(parseInput(purchaseIdSchema, id, "purchase id"));
    if (!purchase) throw new PurchaseNotFoundError(id);
    return purchase;
  };

  /** Vouchers on the router once per purchase; throws VoucherGenerationFailedError when it gives up. */
  const fulfil = async (purchase: Purchase): Promise<{ replayed: boolean }> => {
    const { replayed } = await processor.run(
      `mikrotik-vouchers:fulfil:${purchase.id}`,
      { purchaseId: purchase.id },
      async (claim) => {
        let attempts = 0;
        let users: Awaited<ReturnType<typeof ensurePurchaseOnRouter>>;
        try {
          users = await retry(
            async (attempt) => {
              // Each retry renews the claim, so the backoff waits never outlast the lease.
              if (attempt > 1) await claim.renew();
              attempts++;
              return ensurePurchaseOnRouter(router, purchase, {
                now: now(),
                random: config.randomBytes,
              });
            },
            {
              ...generation,
              sleep: config.sleep,
              random: config.random,
              retryable: (error) => !CANNOT_RETRY.some((type) => error instanceof type),
            },
          );
        } catch (error) {
          // Another worker holds the purchase now; the status is theirs to set.
          if (error instanceof IdempotencyLeaseLostError) throw error;
          const cause =
            (error as { code?: string }).code === "RETRY_EXHAUSTED"
              ? (error as Error).cause
              : error;
          await store.changeStatus(purchase.id, {
            from: ["pending", "voucher_generation_failed"],
            to: "voucher_generation_failed",
            at: now(),
            lastError: (cause as Error)?.message ?? String(cause),
            addAttempts: attempts,
          });
          throw new VoucherGenerationFailedError(purchase.id, cause);
        }
        const at = now();
        const completed = await store.completePurchase(
          purchase.id,
          users.map((user) => ({
            purchaseId: purchase.id,
            username: user.name,
            password: user.password,
            routerId: user.id,
            createdAt: at,
          })),
          { from: ["pending", "voucher_generation_failed"], at, addAttempts: attempts },
        );
        if (!completed) {
          // Failed or expired while we were creating: what we made must not stay usable.
          await router.removePurchaseUsers(purchase.id);
          const current = await load(purchase.id);
          throw new PurchaseStatusError(purchase.id, current.status, "complete");
        }
        return { vouchers: users.length };
      },
    );
    return { replayed };
  };

  const fulfilAndDeliver = async (purchase: Purchase): Promise<FulfilmentResult> => {
    let replayed: boolean;
    try {
      ({ replayed } = await fulfil(purchase));
    } catch (error) {
      if (!(error instanceof VoucherGenerationFailedError)) throw error;
      return { purchase: await load(purchase.id), vouchers: [], replayed: false };
    }
    const completed = await load(purchase.id);
    const vouchers = await store.listVouchers(purchase.id);
    if (replayed) return { purchase: completed, vouchers, replayed };
    const delivery = await deliverVouchers(deliveryConfig, completed, vouchers);
    return { purchase: completed, vouchers, replayed, delivery };
  };

  const endPurchase = async (id: string, to: "failed" | "expired") => {
    const purchase = await load(id);
    const changed = await store.changeStatus(purchase.id, {
      from: ["pending", "voucher_generation_failed"],
      to,
      at: now(),
    });
    if (!changed && purchase.status !== to)
      throw new PurchaseStatusError(id, purchase.status, `mark ${to}`);
    const removedUsers = await router.removePurchaseUsers(purchase.id);
    await store.deleteVouchers(purchase.id);
    return { purchase: changed ?? purchase, removedUsers };
  };

  return {
    /**
     * Records a purchase as `pending`; nothing is created on the router yet.
     * Refuses (INVALID_ARGUMENT, HOTSPOT_PROFILE_NOT_FOUND) before writing
     * anything. The same id with the same details answers the stored purchase.
     */
    async createPurchase(input: CreatePurchaseInput): Promise<Purchase> {
      const parsed = parseInput(createPurchaseSchema, input, "purchase");
      const profiles = await router.listProfiles();
      if (!profiles.includes(parsed.plan.profile)) {
        throw new HotspotProfileNotFoundError(parsed.plan.profile);
      }
      const at = now();
      const purchase: Purchase = {
        id: parsed.id,
        status: "pending",
        quantity: parsed.quantity,
        plan: parsed.plan,
        customerPhone: parsed.customerPhone,
        createdAt: at,
        updatedAt: at,
        paidAt: null,
        expiresAt: at + config.paymentWindowMs,
        lastError: null,
        generationAttempts: 0,
      };
      if (await store.insertPurchase(purchase)) return purchase;
      const existing = (await store.getPurchase(parsed.id))!;
      const same =
        existing.quantity === purchase.quantity &&
        existing.customerPhone === purchase.customerPhone &&
        JSON.stringify(existing.plan) === JSON.stringify(purchase.plan);
      if (!same) throw new PurchaseConflictError(parsed.id);
      return existing;
    },

    /**
     * The payment succeeded: creates exactly `quantity` vouchers on the router
     * (retrying, then `voucher_generation_failed`), completes the purchase and
     * sends the codes. Safe to call again, concurrently or after a crash.
     */
    async paymentSucceeded(id: string): Promise<FulfilmentResult> {
      const purchase = await load(id);
      if (purchase.status === "failed" || purchase.status === "expired") {
        throw new PurchaseStatusError(id, purchase.status, "fulfil");
      }
      if (purchase.paidAt === null) {
        await store.changeStatus(purchase.id, {
          from: ["pending"],
          to: "pending",
          at: now(),
          paidAt: now(),
        });
      }
      return fulfilAndDeliver(purchase);
    },

    /** The payment failed: `failed`, and any router users of the purchase removed. */
    paymentFailed(id: string) {
      return endPurchase(id, "failed");
    },

    /** The payment expired: `expired`, and any router users of the purchase removed. */
    paymentExpired(id: string) {
      return endPurchase(id, "expired");
    },

    /** Runs generation again for a `voucher_generation_failed` (or unfinished paid) purchase; creates only what is missing. */
    async regenerate(id: string): Promise<FulfilmentResult> {
      const purchase = await load(id);
      if (purchase.status === "completed") {
        return { purchase, vouchers: await store.listVouchers(id), replayed: true };
      }
      if (purchase.status !== "voucher_generation_failed" && purchase.paidAt === null) {
        throw new PurchaseStatusError(id, purchase.status, "regenerate");
      }
      if (purchase.status === "failed" || purchase.status === "expired") {
        throw new PurchaseStatusError(id, purchase.status, "regenerate");
      }
      return fulfilAndDeliver(purchase);
    },

    /** `regenerate` for each id in turn; one result per id, errors included, never a throw for one id. */
    async bulkRegenerate(ids: readonly string[]): Promise<BulkRegenerateResult[]> {
      const list = parseInput(z.array(z.string()).max(1000), ids, "purchase ids");
      const results: BulkRegenerateResult[] = [];
      for (const id of list) {
        try {
          const { purchase } = await this.regenerate(id);
          results.push({ id, status: purchase.status });
        } catch (error) {
          const e = error as { code?: string; message?: string };
          results.push({
            id,
            status: "error",
            error: { code: e.code ?? "UNKNOWN", message: e.message ?? String(error) },
          });
        }
      }
      return results;
    },

    /** Sends a completed purchase's codes again (with retries), logging each attempt. */
    async retryDelivery(id: string): Promise<DeliveryOutcome> {
      const purchase = await load(id);
      if (purchase.status !== "completed")
        throw new PurchaseStatusError(id, purchase.status, "deliver");
      return deliverVouchers(deliveryConfig, purchase, await store.listVouchers(id));
    },

    /** Removes the router users and stored vouchers of a failed, expired or generation-failed purchase. */
    async cleanupFailed(id: string): Promise<{ removedUsers: number }> {
      const purchase = await load(id);
      if (purchase.status === "completed" || purchase.status === "pending") {
        throw new PurchaseStatusError(id, purchase.status, "clean up");
      }
      const removedUsers = await router.removePurchaseUsers(purchase.id);
      await store.deleteVouchers(purchase.id);
      return { removedUsers };
    },

    /** Expires every pending purchase past its payment window, removing any router users. */
    async cleanupExpired(): Promise<{ expired: string[]; removedUsers: number }> {
      const expired: string[] = [];
      let removedUsers = 0;
      for (;;) {
        const batch = await store.listExpiredPending(now(), 100);
        if (batch.length === 0) break;
        for (const purchase of batch) {
          const result = await endPurchase(purchase.id, "expired");
          expired.push(purchase.id);
          removedUsers += result.removedUsers;
        }
      }
      return { expired, removedUsers };
    },

    /** Counts for a dashboard. */
    async statistics(): Promise<VoucherStatistics> {
      return store.statistics();
    },

    /** Purchases newest first, optionally of one status; `limit` (default 50, max 500) and `offset`. */
    async listPurchases(
      query: { status?: PurchaseStatus; limit?: number; offset?: number } = {},
    ): Promise<PurchasePage> {
      const parsed = parseInput(listSchema, query, "purchase list query");
      return store.listPurchases({
        limit: parsed.limit,
        offset: parsed.offset,
        ...(parsed.status ? { status: parsed.status } : {}),
      });
    },

    /** Purchases whose vouchers could not be created (`voucher_generation_failed`), for `bulkRegenerate`. */
    async listFailedVouchers(
      query: { limit?: number; offset?: number } = {},
    ): Promise<PurchasePage> {
      const parsed = parseInput(listSchema.omit({ status: true }), query, "failed vouchers query");
      return store.listPurchases({ status: "voucher_generation_failed", ...parsed });
    },

    /** Whether the codes reached the customer, and every attempt. */
    async deliveryStatus(
      id: string,
    ): Promise<{ purchaseId: string; delivered: boolean; attempts: DeliveryAttempt[] }> {
      const purchase = await load(id);
      const attempts = await store.listDeliveries(purchase.id);
      return {
        purchaseId: purchase.id,
        delivered: attempts.some((a) => a.status === "sent"),
        attempts,
      };
    },

    /** The purchase as stored, with its vouchers. */
    async getPurchase(id: string): Promise<{ purchase: Purchase; vouchers: StoredVoucher[] }> {
      const purchase = await load(id);
      return { purchase, vouchers: await store.listVouchers(purchase.id) };
    },
  };
}

export type VoucherService = ReturnType<typeof createVoucherService>;
