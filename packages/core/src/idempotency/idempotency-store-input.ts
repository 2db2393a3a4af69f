import { z } from "zod";
import { InvalidArgumentError } from "../errors/lunas-error.js";
import { parseInput } from "../errors/parse-input.js";
import { epochMsSchema } from "../input/epoch-ms.js";
import { toStorableJson } from "../input/storable-json.js";
import { storableText } from "../input/storable-text.js";
import { checkIdempotencyKey } from "./idempotency-key.js";
import type { ClaimRequest } from "./idempotency-store.js";

// Validation shared by every IdempotencyStore adapter, so a bad call fails the
// same way (INVALID_ARGUMENT) before anything is written, on memory as on SQL.
const holderSchema = storableText(256);
const claimSchema = z.object({
  fingerprint: storableText(512),
  holder: holderSchema,
  now: epochMsSchema,
  leaseExpiresAt: epochMsSchema,
  expiresAt: epochMsSchema,
});

export function checkStoreKey(key: unknown): string {
  checkIdempotencyKey(key);
  return key;
}

export function checkHolder(holder: unknown): string {
  return parseInput(holderSchema, holder, "idempotency holder");
}

export function checkEpochMs(value: unknown, what: string): number {
  return parseInput(epochMsSchema, value, what);
}

export function checkClaimRequest(request: unknown): ClaimRequest {
  const key = checkStoreKey((request as { key?: unknown } | null)?.key);
  return { key, ...parseInput(claimSchema, request, "idempotency claim") };
}

/** A result no store can keep (what JSON cannot carry, or U+0000 that jsonb refuses) is refused before any write. */
export function checkResult(result: unknown): void {
  if (result === undefined) return;
  const stored = toStorableJson(result);
  if (stored.ok) return;
  if (stored.cause !== undefined) {
    throw new InvalidArgumentError(
      "Invalid idempotency result",
      ["result: must be JSON-serialisable (no BigInt, no cycles)"],
      { cause: stored.cause },
    );
  }
  throw new InvalidArgumentError("Invalid idempotency result", [
    "result: must be JSON data without U+0000 (undefined stores no result)",
  ]);
}
