// Schemas for what Lunas packages' public functions accept as injected
// dependencies (ports, clocks, sleeps, callbacks). They are building blocks for
// other Lunas packages' input checks, not part of an application's API, so they
// live on this subpath instead of the main entry.
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
