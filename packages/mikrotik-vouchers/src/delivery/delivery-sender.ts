import { type Clock, LunasError, retry, type Sleep } from "@lunas/core";
import type { Purchase, StoredVoucher, VoucherStore } from "../purchases/voucher-store.js";
import type { VoucherDelivery } from "./voucher-delivery.js";
import type { VoucherMessageTemplate } from "./voucher-message.js";

export interface DeliveryOutcome {
  status: "sent" | "failed" | "error";
  /** Attempts made by this call. */
  attempts: number;
  errorMessage: string | null;
}

/** The provider refused the message; retried like an error, logged as `failed`. */
class DeliveryRefusedError extends LunasError {
  constructor(reason: string) {
    super("VOUCHER_DELIVERY_REFUSED", reason);
  }
}

/** `send` did not settle within the delivery timeout. */
export class VoucherDeliveryTimeoutError extends LunasError {
  constructor(timeoutMs: number) {
    super("VOUCHER_DELIVERY_TIMEOUT", `The delivery did not answer within ${timeoutMs} ms.`);
  }
}

export interface DeliverySenderConfig {
  store: VoucherStore;
  delivery: VoucherDelivery;
  template: VoucherMessageTemplate;
  loginUrl: string;
  clock: Clock;
  sleep: Sleep;
  random: () => number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

/** Sends a purchase's codes with retries, logging every attempt (`sent` / `failed` / `error`). */
export async function deliverVouchers(
  config: DeliverySenderConfig,
  purchase: Purchase,
  vouchers: readonly StoredVoucher[],
): Promise<DeliveryOutcome> {
  const previous = (await config.store.listDeliveries(purchase.id)).length;
  const text = config.template({
    purchaseId: purchase.id,
    profile: purchase.plan.profile,
    mode: purchase.plan.mode,
    vouchers: vouchers.map((v) => ({ username: v.username, password: v.password })),
    loginUrl: config.loginUrl,
    ...(purchase.plan.timeLimit ? { timeLimit: purchase.plan.timeLimit } : {}),
    ...(purchase.plan.dataLimit ? { dataLimit: purchase.plan.dataLimit } : {}),
  });
  let attempts = 0;
  let last: DeliveryOutcome = { status: "error", attempts: 0, errorMessage: null };
  try {
    await retry(
      async () => {
        attempts++;
        const stop = new AbortController();
        let outcome: DeliveryOutcome;
        let providerMessageId: string | null = null;
        try {
          const result = await Promise.race([
            config.delivery.send(
              { purchaseId: purchase.id, phone: purchase.customerPhone, text, vouchers },
              stop.signal,
            ),
            config.sleep(config.timeoutMs, stop.signal).then(() => {
              throw new VoucherDeliveryTimeoutError(config.timeoutMs);
            }),
          ]);
          if (result.status === "sent") {
            providerMessageId = result.providerMessageId ?? null;
            outcome = { status: "sent", attempts, errorMessage: null };
          } else {
            outcome = { status: "failed", attempts, errorMessage: result.reason };
          }
        } catch (error) {
          outcome = {
            status: "error",
            attempts,
            errorMessage: (error as Error)?.message ?? String(error),
          };
        } finally {
          stop.abort();
        }
        last = outcome;
        await config.store.recordDelivery({
          purchaseId: purchase.id,
          attempt: previous + attempts,
          status: outcome.status,
          errorMessage: outcome.errorMessage,
          providerMessageId,
          createdAt: config.clock.now(),
        });
        if (outcome.status !== "sent") throw new DeliveryRefusedError(outcome.errorMessage ?? "");
      },
      {
        maxAttempts: config.maxAttempts,
        baseDelayMs: config.baseDelayMs,
        maxDelayMs: config.maxDelayMs,
        sleep: config.sleep,
        random: config.random,
      },
    );
  } catch {
    // Every attempt is in the log; the outcome says how the last one ended.
  }
  return last;
}
