import { MemoryEntitlementStore, MemoryPaymentSource } from "@lunas/payment-sync";
import {
  entitlementStoreConformance,
  paymentSourceConformance,
} from "@lunas/payment-sync/conformance";

paymentSourceConformance("MemoryPaymentSource", async ({ payments }) => ({
  source: new MemoryPaymentSource(payments),
  cleanup: async () => {},
}));

entitlementStoreConformance("MemoryEntitlementStore", async ({ users }) => ({
  store: new MemoryEntitlementStore(users),
  cleanup: async () => {},
}));
