// Fakes and builders only: this entry must load without vitest (see ./conformance for the suites).

export { buildMidtransNotification, midtransRequest } from "./testing/midtrans-builders.js";
export {
  buildPayment,
  type DriftScenario,
  driftScenario,
} from "./testing/payment-builders.js";
