import type { PendingVerification, PhoneVerificationStore } from "./phone-verification-store.js";

/** Pending verifications in this process's memory: one instance, or tests. */
export class MemoryPhoneVerificationStore implements PhoneVerificationStore {
  readonly #pending = new Map<string, PendingVerification>();

  async put(verification: PendingVerification): Promise<void> {
    this.#pending.set(verification.userId, { ...verification });
  }

  async get(userId: string): Promise<PendingVerification | null> {
    const found = this.#pending.get(userId);
    return found ? { ...found } : null;
  }

  async consumeAttempt(
    userId: string,
    maxAttempts: number,
    now: number,
  ): Promise<PendingVerification | null> {
    const found = this.#pending.get(userId);
    if (!found || found.expiresAt <= now || found.attempts >= maxAttempts) return null;
    found.attempts += 1;
    return { ...found };
  }

  async delete(userId: string): Promise<void> {
    this.#pending.delete(userId);
  }
}
