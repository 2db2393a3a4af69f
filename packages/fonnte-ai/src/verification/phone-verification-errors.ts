import { LunasError } from "@lunas/core";

export type PhoneVerificationErrorCode =
  /** Too many codes requested for this number; `retryAfterMs` says when to ask again. */
  | "VERIFICATION_RATE_LIMITED"
  /** The code is wrong; `attemptsLeft` more tries before the verification locks. */
  | "VERIFICATION_CODE_WRONG"
  /** Too many wrong codes: request a new code. */
  | "VERIFICATION_LOCKED"
  /** The code expired: request a new one. */
  | "VERIFICATION_EXPIRED"
  /** No code was requested for this user (or it was used). */
  | "VERIFICATION_NOT_FOUND"
  /** Another user already has this number. */
  | "PHONE_ALREADY_LINKED"
  /** The user does not exist in the users table. */
  | "USER_NOT_FOUND";

const MESSAGES: Record<PhoneVerificationErrorCode, string> = {
  VERIFICATION_RATE_LIMITED: "Too many codes requested for this number; try again later",
  VERIFICATION_CODE_WRONG: "The code is wrong",
  VERIFICATION_LOCKED: "Too many wrong codes; request a new code",
  VERIFICATION_EXPIRED: "The code expired; request a new one",
  VERIFICATION_NOT_FOUND: "No code is pending for this user; request one first",
  PHONE_ALREADY_LINKED: "This number belongs to another account",
  USER_NOT_FOUND: "No such user",
};

/** Why a phone verification step failed; branch on `code`. */
export class PhoneVerificationError extends LunasError {
  declare readonly code: PhoneVerificationErrorCode;
  readonly attemptsLeft?: number;
  readonly retryAfterMs?: number;

  constructor(
    code: PhoneVerificationErrorCode,
    details: { attemptsLeft?: number; retryAfterMs?: number } = {},
  ) {
    const suffix =
      details.attemptsLeft !== undefined ? ` (${details.attemptsLeft} attempts left)` : "";
    super(code, `${MESSAGES[code]}${suffix}`);
    if (details.attemptsLeft !== undefined) this.attemptsLeft = details.attemptsLeft;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}
