// The comparison is core's constant-time one; these names are what the webhook code reads.
export { encodeSecrets as encodeTokens, matchesAnySecret as matchesAnyToken } from "@lunas/core";

/** The header Xendit sends the account's callback verification token in. */
export const CALLBACK_TOKEN_HEADER = "x-callback-token";
