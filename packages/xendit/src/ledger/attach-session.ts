import { LedgerContendedError } from "./ledger-errors.js";
import type { AttachOutcome, LedgerStore } from "./ledger-store.js";

const MAX_ATTEMPTS = 5;

/**
 * `store.attachSession`, tried again while the store reports `contended` (the
 * session was taken and let go between its write and its reads). Written once
 * here instead of in each adapter; after a few rounds of that the caller gets
 * `LedgerContendedError` and may retry the whole call.
 */
export async function attachSession(
  store: LedgerStore,
  orderId: string,
  sessionId: string,
): Promise<Exclude<AttachOutcome, { status: "contended" }>> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const outcome = await store.attachSession(orderId, sessionId);
    if (outcome.status !== "contended") return outcome;
  }
  throw new LedgerContendedError(orderId, sessionId);
}
