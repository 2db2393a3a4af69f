import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import { epochMsSchema } from "../input/epoch-ms.js";
import { storableText } from "../input/storable-text.js";
import type { StoredToken } from "./token-store.js";

// Validation shared by every adapter, so a bad call fails the same way before any write.
export const tokenKeySchema = storableText(512);
/** A provider's `holderId`; its leases are named `<holderId>/<n>`, which the store's longer limit leaves room for. */
export const leaseHolderSchema = storableText(256);
const storedHolderSchema = storableText(320);
const tokenValueSchema = storableText();
const storedTokenSchema = z.object({
  value: tokenValueSchema,
  expiresAt: epochMsSchema,
});

export function checkKey(key: unknown): string {
  return parseInput(tokenKeySchema, key, "token key");
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
    z.object({ holder: storedHolderSchema, until: epochMsSchema }),
    { holder, until },
    "lease",
  );
}

export function checkEpochMs(value: unknown, what: string): number {
  return parseInput(epochMsSchema, value, what);
}
