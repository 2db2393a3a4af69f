import { MemoryEntitlementStore, MemoryPaymentSource } from "@lunas/payment-sync";
import { driftSuite } from "./drift-suite.js";

driftSuite("memory", async ({ payments, users }) => ({
  source: new MemoryPaymentSource(payments),
  entitlements: new MemoryEntitlementStore(users),
  cleanup: async () => {},
}));
