import { hotspotRouterConformance } from "../../src/conformance.js";
import { createRouterOsClient, RouterOsHotspotRouter } from "../../src/index.js";
import { FakeRouterOsServer } from "../../src/testing.js";

hotspotRouterConformance("RouterOsHotspotRouter on FakeRouterOsServer", async () => {
  const server = await FakeRouterOsServer.start({ latencyMs: 1 });
  const client = createRouterOsClient({
    host: server.host,
    port: server.port,
    user: "admin",
    password: "",
  });
  return {
    router: new RouterOsHotspotRouter(client),
    cleanup: async () => {
      await client.close();
      await server.close();
    },
  };
});
