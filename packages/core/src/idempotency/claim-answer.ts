import { z } from "zod";
import type { ClaimOutcome, IdempotencyRecord } from "./idempotency-store.js";

/**
 * The answer of migration 0002's `lunas_idempotency_claim` function, which both
 * `PostgresIdempotencyStore` (over SQL) and `SupabaseIdempotencyStore` (over
 * PostgREST RPC) call: the claim's one implementation.
 */
const claimAnswerSchema = z.object({
  outcome: z.enum(["acquired", "in_progress", "completed"]),
  key: z.string(),
  fingerprint: z.string(),
  status: z.enum(["in_progress", "completed"]),
  holder: z.string(),
  lease_expires_at: z.number(),
  expires_at: z.number(),
  has_result: z.boolean(),
  result: z.unknown(),
});

/** The outcome a claim answer stands for, or `undefined` when it is not one. */
export function claimOutcomeOf(answer: unknown): ClaimOutcome | undefined {
  const parsed = claimAnswerSchema.safeParse(answer);
  if (!parsed.success) return undefined;
  const claimed = parsed.data;
  const record: IdempotencyRecord = {
    key: claimed.key,
    fingerprint: claimed.fingerprint,
    status: claimed.status,
    holder: claimed.holder,
    leaseExpiresAt: claimed.lease_expires_at,
    expiresAt: claimed.expires_at,
  };
  if (claimed.has_result) record.result = claimed.result ?? null;
  return { status: claimed.outcome, record };
}
