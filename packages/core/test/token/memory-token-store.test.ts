import { MemoryTokenStore } from "@lunas/core";
import { tokenStoreConformance } from "@lunas/core/testing";

tokenStoreConformance(
  "MemoryTokenStore",
  async ({ clock }) => ({ store: new MemoryTokenStore({ clock }), cleanup: async () => {} }),
  { leases: true },
);
