import { z } from "zod";
import { InvalidArgumentError } from "../errors/lunas-error.js";
import { parseInput } from "../errors/parse-input.js";
import { checkIdempotencyKey } from "./idempotency-key.js";
import type { ClaimRequest } from "./idempotency-store.js";

// Validation shared by every IdempotencyStore adapter, so a bad call fails the
// same way (INVALID_ARGUMENT) before anything is written, on memory as on SQL.
const NUL = "\u0000";
const textSchema = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !value.includes(NUL), "must not contain U+0000");
const holderSchema = textSchema(256);
// The range of a JavaScript Date, so every accepted time has an ISO form for SQL.
const epochMsSchema = z.number().int().min(0).max(8_640_000_000_000_000);
const claimSchema = z.object({
  fingerprint: textSchema(512),
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
  let hasNul = false;
  let json: string | undefined;
  try {
    json = JSON.stringify(result, (name, value: unknown) => {
      if (name.includes(NUL) || (typeof value === "string" && value.includes(NUL))) hasNul = true;
      return value;
    });
  } catch (error) {
    throw new InvalidArgumentError(
      "Invalid idempotency result",
      ["result: must be JSON-serialisable (no BigInt, no cycles)"],
      { cause: error },
    );
  }
  if (json === undefined || hasNul) {
    throw new InvalidArgumentError("Invalid idempotency result", [
      "result: must be JSON data without U+0000 (undefined stores no result)",
    ]);
  }
}
