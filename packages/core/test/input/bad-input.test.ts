import { jwtExpiry, MemoryTokenStore } from "@lunas/core";
import { createPgliteBossDb } from "@lunas/core/pg-boss";
import { ManualClock } from "@lunas/core/testing";
import { describe, expect, it } from "vitest";

const invalid = expect.objectContaining({ code: "INVALID_ARGUMENT" });

// Public functions not covered by a capability's own bad-input test.
describe("bad input to small public functions gives INVALID_ARGUMENT", () => {
  it("jwtExpiry refuses a non-string token", () => {
    for (const bad of [5, null, undefined, {}])
      expect(() => jwtExpiry(bad as never)).toThrow(invalid);
    expect(jwtExpiry("not.a.jwt")).toBeUndefined();
  });

  it("MemoryTokenStore refuses a clock that is not one", () => {
    for (const bad of [{ clock: "now" }, { clock: {} }, { clok: {} }, null]) {
      expect(() => new MemoryTokenStore(bad as never)).toThrow(invalid);
    }
  });

  it("ManualClock refuses a non-finite start and moving by a negative or non-finite amount, keeping its time", async () => {
    for (const bad of [Number.NaN, "2026", Number.POSITIVE_INFINITY]) {
      expect(() => new ManualClock(bad as never)).toThrow(invalid);
    }
    const clock = new ManualClock(1_000);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, "5"]) {
      expect(() => clock.advance(bad as never)).toThrow(invalid);
    }
    expect(clock.now()).toBe(1_000);
    await expect(clock.sleep(Number.NaN)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("createPgliteBossDb refuses what is not a PGlite database", () => {
    for (const bad of [undefined, {}, { query: async () => ({ rows: [] }) }]) {
      expect(() => createPgliteBossDb(bad as never)).toThrow(invalid);
    }
  });
});
