import { z } from "zod";
import { InvalidArgumentError } from "../errors/lunas-error.js";
import { parseInput } from "../errors/parse-input.js";
import { callableSchema, clockSchema, idempotencyStoreSchema } from "../input/injected-schemas.js";
import { type Clock, systemClock } from "../time/clock.js";
import { fingerprintPayload } from "./fingerprint-payload.js";
import {
  IdempotencyInProgressError,
  IdempotencyLeaseLostError,
  IdempotencyPayloadMismatchError,
} from "./idempotency-errors.js";
import { checkIdempotencyKey } from "./idempotency-key.js";
import type { IdempotencyRecord, IdempotencyStore } from "./idempotency-store.js";
import { readHolder, readNowMs } from "./injected-readings.js";
import { storedForm } from "./stored-result.js";

export interface IdempotentProcessorOptions {
  store: IdempotencyStore;
  /** How long a run holds its key before another delivery may take over. Default 60 s. */
  leaseMs?: number;
  /** How long a completed result is replayed. Default 7 days. */
  retentionMs?: number;
  clock?: Clock;
  /** Names each run's claim. Default `crypto.randomUUID()` per run. */
  holderId?: () => string;
  /**
   * Records past their retention are deleted by `store.purgeExpired`, started
   * (not awaited) by a run at most this often per processor. Default 1 hour.
   */
  purgeIntervalMs?: number;
}

/** What a running handler can do with its claim. */
export interface IdempotentClaim {
  /**
   * Extends the lease to `leaseMs` from now, through the store's claim by the
   * same holder. Call it before a step that must not start unless the key is
   * still this run's (e.g. creating something elsewhere). Rejects with
   * `IdempotencyLeaseLostError` once the lease has run out: another delivery
   * may then hold the key, and renewing would take it from them.
   */
  renew(): Promise<void>;
}

export interface IdempotentRunOptions {
  /**
   * Called with the handler's error: `true` keeps the claim until its lease
   * lapses instead of releasing it. For an effect whose outcome is unknown (a
   * create whose answer was lost), so a retry does not repeat it at once but
   * waits, then finds what the first run made. Must not throw. Default: release.
   */
  keepClaimOn?: (error: unknown) => boolean;
}

export interface IdempotentProcessor {
  /**
   * Runs `handler` once per `key`: the first delivery runs it and stores its
   * result, later deliveries with the same payload get that stored result
   * (`replayed: true`). Throws `IdempotencyInProgressError` while another
   * delivery runs it, `IdempotencyPayloadMismatchError` when `key` was used with
   * another payload, `IdempotencyLeaseLostError` when the handler outlived its
   * lease. When the handler throws, the claim is released (unless
   * `keepClaimOn` says to keep it) and the error rethrown, so a retry runs it again.
   */
  run<T>(
    key: string,
    payload: unknown,
    handler: (claim: IdempotentClaim) => Promise<T>,
    options?: IdempotentRunOptions,
  ): Promise<{ result: T; replayed: boolean }>;
  /**
   * The key's live record as the store holds it: in progress (with its holder
   * and lease) or completed (with its stored `result`); `null` when there is
   * none or it is past its retention.
   */
  get(key: string): Promise<IdempotencyRecord | null>;
}

const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const DEFAULT_PURGE_INTERVAL_MS = 60 * 60 * 1000;

// Strict: a misspelt option (`leaseMS`) would otherwise quietly run with the default.
const optionsSchema = z
  .strictObject({
    store: idempotencyStoreSchema,
    leaseMs: z.number().int().positive().default(DEFAULT_LEASE_MS),
    retentionMs: z.number().int().positive().default(DEFAULT_RETENTION_MS),
    clock: clockSchema.default(systemClock),
    holderId: callableSchema<() => string>().default(() => () => crypto.randomUUID()),
    purgeIntervalMs: z.number().int().positive().default(DEFAULT_PURGE_INTERVAL_MS),
  })
  .refine((options) => options.retentionMs >= options.leaseMs, {
    message: "must be at least leaseMs, or a running claim would expire under its holder",
    path: ["retentionMs"],
  });

const runOptionsSchema = z
  .strictObject({ keepClaimOn: callableSchema<(error: unknown) => boolean>().optional() })
  .optional();

/**
 * Exactly-once effects from at-least-once deliveries, over any `IdempotencyStore`.
 * Hashing, payload comparison, leases and expiry live here once; stores only
 * claim, complete, release atomically.
 */
export function createIdempotentProcessor(
  options: IdempotentProcessorOptions,
): IdempotentProcessor {
  const { store, leaseMs, retentionMs, clock, holderId, purgeIntervalMs } = parseInput(
    optionsSchema,
    options,
    "idempotent processor options",
  );
  const nowMs = () => readNowMs(clock);
  let nextPurgeAt = Number.NEGATIVE_INFINITY;
  // Without it expired records are only ever replaced by a claim of the same
  // key, so every store would keep every key it ever saw.
  const purgeNowAndThen = (now: number) => {
    if (now < nextPurgeAt) return;
    nextPurgeAt = now + purgeIntervalMs;
    void Promise.resolve()
      .then(() => store.purgeExpired(now))
      .catch(() => {
        // A failed purge changes nothing; the next interval tries again.
      });
  };

  return {
    async run<T>(
      key: string,
      payload: unknown,
      handler: (claim: IdempotentClaim) => Promise<T>,
      runOptions?: IdempotentRunOptions,
    ) {
      checkIdempotencyKey(key);
      if (typeof handler !== "function") {
        throw new InvalidArgumentError("Invalid idempotent handler", [
          "handler: must be a function",
        ]);
      }
      const keepClaimOn = parseInput(
        runOptionsSchema,
        runOptions,
        "idempotent run options",
      )?.keepClaimOn;
      const fingerprint = await fingerprintPayload(payload);
      const holder = readHolder(holderId);
      const now = nowMs();
      purgeNowAndThen(now);
      const outcome = await store.claim({
        key,
        fingerprint,
        holder,
        now,
        leaseExpiresAt: now + leaseMs,
        expiresAt: now + retentionMs,
      });

      if (outcome.status !== "acquired") {
        if (outcome.record.fingerprint !== fingerprint) {
          throw new IdempotencyPayloadMismatchError(key);
        }
        if (outcome.status === "in_progress") {
          const { leaseExpiresAt } = outcome.record;
          const remainingMs = leaseExpiresAt - clock.now();
          throw new IdempotencyInProgressError(
            key,
            Math.max(1, Math.ceil(remainingMs / 1000)),
            leaseExpiresAt,
          );
        }
        return { result: outcome.record.result as T, replayed: true };
      }

      let leaseExpiresAt = now + leaseMs;
      const claim: IdempotentClaim = {
        async renew() {
          const at = nowMs();
          // At or past its end the lease may be another holder's already, and
          // the store's claim would then take the key from them, not renew ours.
          if (at >= leaseExpiresAt) throw new IdempotencyLeaseLostError(key);
          const renewed = await store.claim({
            key,
            fingerprint,
            holder,
            now: at,
            leaseExpiresAt: at + leaseMs,
            expiresAt: at + retentionMs,
          });
          if (renewed.status !== "acquired") throw new IdempotencyLeaseLostError(key);
          leaseExpiresAt = at + leaseMs;
        },
      };

      let stored: unknown;
      try {
        stored = storedForm(key, await handler(claim));
      } catch (error) {
        if (keepClaimOn?.(error) !== true) {
          try {
            await store.release(key, holder, nowMs());
          } catch {
            // The handler's error is the one to report; an unreleased claim
            // still frees itself when its lease ends.
          }
        }
        throw error;
      }
      // A failure to complete leaves the claim in progress: deliveries get 409
      // until its lease ends, then one of them runs the handler again.
      const completedAt = nowMs();
      const completed = await store.complete(
        key,
        holder,
        stored,
        completedAt + retentionMs,
        completedAt,
      );
      if (!completed) throw new IdempotencyLeaseLostError(key);
      return { result: stored as T, replayed: false };
    },

    async get(key: string) {
      checkIdempotencyKey(key);
      const record = await store.get(key);
      // The store keeps a dead record until it is purged or replaced; to the caller it is gone.
      if (record === null || record.expiresAt < nowMs()) return null;
      return record;
    },
  };
}
