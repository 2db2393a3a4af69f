import { MemoryIdempotencyStore } from "@lunas/core";
import { idempotencyStoreConformance } from "@lunas/core/testing";

idempotencyStoreConformance("MemoryIdempotencyStore", async () => ({
  store: new MemoryIdempotencyStore(),
  cleanup: async () => {},
}));
