import { MemoryBookingStore } from "@lunas/rapatin";
import { describeBookingStoreConformance } from "@lunas/rapatin/testing";

describeBookingStoreConformance("MemoryBookingStore", {
  create: async () => new MemoryBookingStore(),
});
