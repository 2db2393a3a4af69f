import { hotspotRouterConformance } from "../../src/conformance.js";
import { MemoryHotspotRouter } from "../../src/testing.js";

hotspotRouterConformance("MemoryHotspotRouter", async () => ({
  router: new MemoryHotspotRouter(),
  cleanup: async () => {},
}));
