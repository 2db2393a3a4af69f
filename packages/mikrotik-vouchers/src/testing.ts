// Fakes for tests; no test runner is imported here (the suites are in `./conformance`).
export {
  type FakeHotspotUser,
  FakeRouterOsServer,
  type FakeRouterOsServerOptions,
  type InjectedTrap,
} from "./testing/fake-routeros-server.js";
export { MemoryHotspotRouter } from "./testing/memory-hotspot-router.js";
