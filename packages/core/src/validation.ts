// Building blocks for other Lunas packages' input checks: schemas for injected
// dependencies (ports, clocks, sleeps, callbacks) and the U+0000 rule, so each
// rule is written once, in core. Not part of an application's API, so they live
// on this subpath instead of the main entry.
export {
  callableSchema,
  clockSchema,
  idempotencyStoreSchema,
  type MethodName,
  portSchema,
  sleepSchema,
  sqlExecutorSchema,
  tokenStoreSchema,
} from "./input/injected-schemas.js";
export { includesNul } from "./input/storable-text.js";
export { queueNameSchema } from "./jobs/enqueue-input.js";
