import { expect, it } from "vitest";
import { FakeRouterOsServer, MemoryHotspotRouter } from "../../src/testing.js";

it("the fakes refuse a misspelt option with INVALID_ARGUMENT", async () => {
  await expect(
    FakeRouterOsServer.start({ latency: 5 } as never),
    "FakeRouterOsServer.start",
  ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  expect(() => new MemoryHotspotRouter({ profile: ["x"] } as never), "MemoryHotspotRouter").toThrow(
    expect.objectContaining({ code: "INVALID_ARGUMENT" }),
  );
});
