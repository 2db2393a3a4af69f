import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import type { StoredToken } from "./token-store.js";

// Validation shared by every adapter, so a bad call fails the same way before any write.
// U+0000 is refused because PostgreSQL's text cannot hold it: memory would take what SQL fails on.
const noNul = (value: string) => !value.includes("\u0000");
export const tokenKeySchema = z.string().min(1).max(512).refine(noNul, "must not contain U+0000");
/** A provider's `holderId`; its leases are named `<holderId>/<n>`, which the store's longer limit leaves room for. */
export const leaseHolderSchema = z
  .string()
  .min(1)
  .max(256)
  .refine(noNul, "must not contain U+0000");
const storedHolderSchema = z.string().min(1).max(320).refine(noNul, "must not contain U+0000");
const keySchema = tokenKeySchema;
const holderSchema = storedHolderSchema;
const epochMsSchema = z.number().int().min(0).max(8_640_000_000_000_000);
const tokenValueSchema = z.string().min(1).refine(noNul, "must not contain U+0000");
const storedTokenSchema = z.object({
  value: tokenValueSchema,
  expiresAt: epochMsSchema,
});

export function checkKey(key: unknown): string {
  return parseInput(keySchema, key, "token key");
}

export function checkStoredToken(token: unknown): StoredToken {
  // zod's messages name types and lengths, never the received value, so the secret stays out.
  return parseInput(storedTokenSchema, token, "stored token");
}

export function checkTokenValue(value: unknown): string {
  return parseInput(tokenValueSchema, value, "token value");
}

export function checkLease(holder: unknown, until: unknown): { holder: string; until: number } {
  return parseInput(
    z.object({ holder: holderSchema, until: epochMsSchema }),
    { holder, until },
    "lease",
  );
}

export function checkEpochMs(value: unknown, what: string): number {
  return parseInput(epochMsSchema, value, what);
}

/** Timestamps go to SQL as ISO strings so pg and PGlite see the same exact millisecond. */
export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** pg and PGlite return `Date`, PostgREST an ISO string; both become ms since the epoch. */
export function fromTimestamp(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "string") {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new TypeError("Token store returned an unreadable timestamp");
}
