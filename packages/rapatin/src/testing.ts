export {
  type FakeAfterCreate,
  type FakeRapatinCounts,
  type FakeRapatinRoute,
  FakeRapatinServer,
  type FakeRapatinServerOptions,
  type FakeSchedule,
} from "./testing/fake-rapatin-server.js";
