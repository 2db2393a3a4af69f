import { MemoryLedgerStore } from "@lunas/xendit";
import { ledgerStoreConformance } from "@lunas/xendit/conformance";

ledgerStoreConformance("MemoryLedgerStore", async () => ({
  store: new MemoryLedgerStore(),
  cleanup: async () => {},
}));
