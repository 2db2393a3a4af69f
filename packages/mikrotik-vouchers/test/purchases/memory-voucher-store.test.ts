import { voucherStoreConformance } from "../../src/conformance.js";
import { MemoryVoucherStore } from "../../src/index.js";

voucherStoreConformance("MemoryVoucherStore", async () => ({
  store: new MemoryVoucherStore(),
  cleanup: async () => {},
}));
