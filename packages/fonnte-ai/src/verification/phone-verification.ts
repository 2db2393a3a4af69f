import { type Clock, encodeSecrets, matchesAnySecret, parseInput, systemClock } from "@lunas/core";
import { callableSchema, clockSchema, portSchema } from "@lunas/core/validation";
import { z } from "zod";
import type { WhatsAppSender } from "../fonnte/whatsapp-sender.js";
import type { IdentityResolver } from "../identity/identity-resolver.js";
import { normalizeIndonesianPhone } from "../phone/indonesian-phone.js";
import type { RateLimiter } from "../rate-limit/rate-limiter.js";
import { PhoneVerificationError } from "./phone-verification-errors.js";
import type { PhoneVerificationStore } from "./phone-verification-store.js";

export interface PhoneVerificationOptions {
  store: PhoneVerificationStore;
  identity: IdentityResolver;
  /** Counts code requests per number. */
  rateLimiter: RateLimiter;
  sender: WhatsAppSender;
  /** HMAC key for the stored codes (at least 32 characters). Codes are never stored in clear. */
  secret: string;
  /** Digits per code. Default 6. */
  codeLength?: number;
  /** How long a code is valid. Default 10 minutes. */
  codeTtlMs?: number;
  /** Wrong codes before the verification locks. Default 5. */
  maxAttempts?: number;
  /** Codes per number per window. Default 3 per hour. */
  requestLimit?: { limit: number; windowMs: number };
  /** The WhatsApp text carrying the code. Default an Indonesian sentence. */
  message?: (code: string) => string;
  clock?: Clock;
  /** Makes a code of `length` digits. Default: Web Crypto's random source. */
  generateCode?: (length: number) => string;
}

export interface PhoneVerification {
  /** Sends a new code to `phone` over WhatsApp (voiding any earlier code of this user). */
  requestPhoneVerification(
    userId: string,
    phone: string,
  ): Promise<{ phone: string; expiresAt: number }>;
  /** Checks the code; when it matches, sets the user's phone number and returns it. */
  confirmPhoneVerification(userId: string, code: string): Promise<{ phone: string }>;
}

function randomDigits(length: number): string {
  // Rejection sampling: bytes ≥ 250 would make 0–5 likelier than 6–9.
  let code = "";
  const bytes = new Uint8Array(length * 2);
  while (code.length < length) {
    crypto.getRandomValues(bytes);
    for (const byte of bytes) {
      if (byte < 250 && code.length < length) code += String(byte % 10);
    }
  }
  return code;
}

const optionsSchema = z.strictObject({
  store: portSchema<PhoneVerificationStore>("PhoneVerificationStore", [
    "put",
    "get",
    "consumeAttempt",
    "delete",
  ]),
  identity: portSchema<IdentityResolver>("IdentityResolver", ["resolve", "linkPhone"]),
  rateLimiter: portSchema<RateLimiter>("RateLimiter", ["hit", "reset", "purgeExpired"]),
  sender: portSchema<WhatsAppSender>("WhatsAppSender", ["send"]),
  secret: z.string().min(32, "must be at least 32 characters"),
  codeLength: z.number().int().min(4).max(10).default(6),
  codeTtlMs: z
    .number()
    .int()
    .positive()
    .default(10 * 60 * 1000),
  maxAttempts: z.number().int().min(1).max(100).default(5),
  requestLimit: z
    .strictObject({ limit: z.number().int().min(1), windowMs: z.number().int().positive() })
    .default({ limit: 3, windowMs: 60 * 60 * 1000 }),
  message: callableSchema<(code: string) => string>().default(
    () => (code: string) =>
      `Kode verifikasi Anda: ${code}. Berlaku 10 menit. Jangan berikan kode ini kepada siapa pun.`,
  ),
  clock: clockSchema.default(() => systemClock),
  generateCode: callableSchema<(length: number) => string>().default(() => randomDigits),
});

const userIdSchema = z.string().min(1).max(200);

/**
 * Links a phone number to a user by a one-time code sent over WhatsApp, so the
 * bridge's identity gate only lets through numbers their owner proved. Codes
 * are stored as an HMAC (a leaked table does not reveal them, and 10^6 codes
 * cannot be tried offline without the key), expire, lock after `maxAttempts`
 * wrong tries (counted atomically before comparing), and each number gets at
 * most `requestLimit` codes per window.
 */
export function createPhoneVerification(options: PhoneVerificationOptions): PhoneVerification {
  const o = parseInput(optionsSchema, options, "phone verification options");
  const keyPromise = crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(o.secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const hashCode = async (userId: string, phone: string, code: string) => {
    const mac = await crypto.subtle.sign(
      "HMAC",
      await keyPromise,
      new TextEncoder().encode(`${userId}\u0000${phone}\u0000${code}`),
    );
    return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
  };

  return {
    async requestPhoneVerification(userId, phone) {
      parseInput(userIdSchema, userId, "userId");
      const normalized = normalizeIndonesianPhone(phone);
      const now = o.clock.now();
      const decision = await o.rateLimiter.hit(`otp-request:${normalized}`, o.requestLimit, now);
      if (!decision.allowed) {
        throw new PhoneVerificationError("VERIFICATION_RATE_LIMITED", {
          retryAfterMs: decision.resetAt - now,
        });
      }
      const code = o.generateCode(o.codeLength);
      const expiresAt = now + o.codeTtlMs;
      await o.store.put({
        userId,
        phone: normalized,
        codeHash: await hashCode(userId, normalized, code),
        attempts: 0,
        expiresAt,
        createdAt: now,
      });
      try {
        await o.sender.send({ target: normalized, message: o.message(code) });
      } catch (error) {
        // A code nobody received must not stay guessable.
        await o.store.delete(userId).catch(() => {});
        throw error;
      }
      return { phone: normalized, expiresAt };
    },

    async confirmPhoneVerification(userId, code) {
      parseInput(userIdSchema, userId, "userId");
      parseInput(z.string().regex(/^\d{4,10}$/, "must be the digits of the code"), code, "code");
      const now = o.clock.now();
      const pending = await o.store.consumeAttempt(userId, o.maxAttempts, now);
      if (!pending) {
        const current = await o.store.get(userId);
        if (!current) throw new PhoneVerificationError("VERIFICATION_NOT_FOUND");
        if (current.expiresAt <= now) throw new PhoneVerificationError("VERIFICATION_EXPIRED");
        throw new PhoneVerificationError("VERIFICATION_LOCKED");
      }
      const given = await hashCode(userId, pending.phone, code);
      if (!matchesAnySecret(given, encodeSecrets([pending.codeHash]))) {
        const attemptsLeft = o.maxAttempts - pending.attempts;
        if (attemptsLeft <= 0) throw new PhoneVerificationError("VERIFICATION_LOCKED");
        throw new PhoneVerificationError("VERIFICATION_CODE_WRONG", { attemptsLeft });
      }
      const linked = await o.identity.linkPhone(userId, pending.phone);
      if (linked === "taken") throw new PhoneVerificationError("PHONE_ALREADY_LINKED");
      if (linked === "no_user") throw new PhoneVerificationError("USER_NOT_FOUND");
      await o.store.delete(userId);
      return { phone: pending.phone };
    },
  };
}
