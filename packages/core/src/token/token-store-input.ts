import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import type { StoredToken } from "./token-store.js";

// Validation shared by every adapter, so a bad call fails the same way before any write.
const keySchema = z.string().min(1).max(512);
const holderSchema = z.string().min(1).max(256);
const epochMsSchema = z.number().int().min(0).max(8_640_000_000_000_000);
const storedTokenSchema = z.object({ value: z.string().min(1), expiresAt: epochMsSchema });

export function checkKey(key: unknown): string {
  return parseInput(keySchema, key, "token key");
}

export function checkStoredToken(token: unknown): StoredToken {
  // zod's messages name types and lengths, never the received value, so the secret stays out.
  return parseInput(storedTokenSchema, token, "stored token");
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
