import { MemoryLedgerStore } from "@lunas/xendit";
import { ledgerStoreConformance } from "@lunas/xendit/testing";

ledgerStoreConformance("MemoryLedgerStore", async () => ({
  store: new MemoryLedgerStore(),
  cleanup: async () => {},
}));
