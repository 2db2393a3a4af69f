import { MemorySessionStore } from "@lunas/fonnte-ai";
import { SESSION_CONFORMANCE_POLICY, sessionStoreConformance } from "@lunas/fonnte-ai/conformance";

sessionStoreConformance("MemorySessionStore", async ({ clock }) => {
  const store = new MemorySessionStore({ ...SESSION_CONFORMANCE_POLICY, clock });
  return { store, cleanup: async () => store.close() };
});
