// The fake router of mikrotik-vouchers.bench.ts in its own process, as a real
// router is its own machine: its CPU does not compete with the client's event loop.
import { FakeRouterOsServer } from "@lunas/mikrotik-vouchers/testing";

const server = await FakeRouterOsServer.start({
  profiles: ["1-hari"],
  latencyMs: Number(process.argv[2] ?? 5),
});
process.on("message", (message) => {
  if (message === "stats") {
    process.send?.({ users: server.users().length, maxInFlightSeen: server.maxInFlightSeen });
  }
});
process.on("disconnect", () => void server.close().then(() => process.exit(0)));
process.send?.({ port: server.port });
