import { MemoryTokenStore } from "@lunas/core";
import { tokenStoreConformance } from "@lunas/core/conformance";

tokenStoreConformance(
  "MemoryTokenStore",
  async ({ clock }) => ({ store: new MemoryTokenStore({ clock }), cleanup: async () => {} }),
  { leases: true },
);
