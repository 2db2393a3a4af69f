import { MemoryIdempotencyStore } from "@lunas/core";
import { idempotencyStoreConformance } from "@lunas/core/conformance";

idempotencyStoreConformance("MemoryIdempotencyStore", async () => ({
  store: new MemoryIdempotencyStore(),
  cleanup: async () => {},
}));
