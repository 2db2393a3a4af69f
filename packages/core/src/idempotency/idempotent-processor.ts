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
  IdempotencyResultNotSerializableError,
} from "./idempotency-errors.js";
import { checkIdempotencyKey } from "./idempotency-key.js";
import type { IdempotencyStore } from "./idempotency-store.js";

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

export interface IdempotentProcessor {
  /**
   * Runs `handler` once per `key`: the first delivery runs it and stores its
   * result, later deliveries with the same payload get that stored result
   * (`replayed: true`). Throws `IdempotencyInProgressError` while another
   * delivery runs it, `IdempotencyPayloadMismatchError` when `key` was used with
   * another payload, `IdempotencyLeaseLostError` when the handler outlived its
   * lease. When the handler throws, the claim is released and the error rethrown,
   * so a retry runs it again.
   */
  run<T>(
    key: string,
    payload: unknown,
    handler: () => Promise<T>,
  ): Promise<{ result: T; replayed: boolean }>;
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

const NUL = "\u0000";

/**
 * The stored form of a result: what JSON keeps of it. The first caller gets the
 * same value replays will, so every delivery of a key sees one result. U+0000 is
 * refused here rather than by the SQL stores' `complete`, which would fail after
 * the handler's effect and leave the claim stuck until its lease ends.
 */
function storedForm(key: string, result: unknown): unknown {
  if (result === undefined) return undefined;
  let json: string | undefined;
  let hasNul = false;
  try {
    json = JSON.stringify(result, (name, value: unknown) => {
      if (name.includes(NUL) || (typeof value === "string" && value.includes(NUL))) hasNul = true;
      return value;
    });
  } catch (error) {
    throw new IdempotencyResultNotSerializableError(key, { cause: error });
  }
  if (json === undefined) throw new IdempotencyResultNotSerializableError(key);
  if (hasNul) throw new IdempotencyResultNotSerializableError(key, { nulCharacter: true });
  return JSON.parse(json);
}

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
    async run<T>(key: string, payload: unknown, handler: () => Promise<T>) {
      checkIdempotencyKey(key);
      if (typeof handler !== "function") {
        throw new InvalidArgumentError("Invalid idempotent handler", [
          "handler: must be a function",
        ]);
      }
      const fingerprint = await fingerprintPayload(payload);
      const holder = holderId();
      // Stores keep whole milliseconds; a clock may read fractions.
      const now = Math.floor(clock.now());
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
          const remainingMs = outcome.record.leaseExpiresAt - clock.now();
          throw new IdempotencyInProgressError(key, Math.max(1, Math.ceil(remainingMs / 1000)));
        }
        return { result: outcome.record.result as T, replayed: true };
      }

      let stored: unknown;
      try {
        stored = storedForm(key, await handler());
      } catch (error) {
        try {
          await store.release(key, holder);
        } catch {
          // The handler's error is the one to report; an unreleased claim
          // still frees itself when its lease ends.
        }
        throw error;
      }
      // A failure to complete leaves the claim in progress: deliveries get 409
      // until its lease ends, then one of them runs the handler again.
      const completed = await store.complete(
        key,
        holder,
        stored,
        Math.floor(clock.now()) + retentionMs,
      );
      if (!completed) throw new IdempotencyLeaseLostError(key);
      return { result: stored as T, replayed: false };
    },
  };
}
