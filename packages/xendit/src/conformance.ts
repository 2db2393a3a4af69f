// The LedgerStore conformance suite (vitest is a peer of this entry only).
export {
  type LedgerStoreFactory,
  ledgerStoreConformance,
} from "./testing/ledger-store-conformance.js";
