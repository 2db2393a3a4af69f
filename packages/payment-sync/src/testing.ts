// Fakes and builders only: this entry must load without vitest (see ./conformance for the suites).
export {
  buildPayment,
  type DriftScenario,
  driftScenario,
} from "./testing/payment-builders.js";
