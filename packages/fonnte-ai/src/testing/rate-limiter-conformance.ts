import { caseExpect as expect } from "@lunas/core/conformance";
import { ManualClock } from "@lunas/core/testing";
import { afterEach, beforeEach, describe, it } from "vitest";
import type { RateLimiter } from "../rate-limit/rate-limiter.js";

export interface RateLimiterConformanceContext {
  clock: ManualClock;
}

export type RateLimiterFactory = (
  context: RateLimiterConformanceContext,
) => Promise<{ limiter: RateLimiter; cleanup(): Promise<void> }>;

export interface RateLimiterConformanceOptions {
  /**
   * A second limiter on the same storage (another instance). When given, the
   * suite checks that both count against one limit.
   */
  second?: () => Promise<RateLimiter>;
}

const rule = { limit: 3, windowMs: 60_000 };

/** The shared `RateLimiter` suite: `rateLimiterConformance("my limiter", async ({ clock }) => ({ limiter, cleanup }))`. */
export function rateLimiterConformance(
  name: string,
  factory: RateLimiterFactory,
  options: RateLimiterConformanceOptions = {},
): void {
  describe(`RateLimiter conformance: ${name}`, () => {
    let clock: ManualClock;
    let limiter: RateLimiter;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      // Ten seconds into a minute, so the window boundary is 50 s away.
      clock = new ManualClock(Date.UTC(2026, 4, 17, 8, 30, 10, 0));
      ({ limiter, cleanup } = await factory({ clock }));
    });
    afterEach(async () => {
      await cleanup();
    });

    it("allows `limit` hits per window, refuses the next, and counts them", async () => {
      const decisions = [];
      for (let i = 0; i < 5; i++) decisions.push(await limiter.hit("k", rule, clock.now()));
      expect(
        decisions.map((d) => d.allowed),
        "three allowed",
      ).toEqual([true, true, true, false, false]);
      expect(
        decisions.map((d) => d.hits),
        "counted",
      ).toEqual([1, 2, 3, 4, 5]);
      expect(decisions[0]?.resetAt, "window end").toBe(Date.UTC(2026, 4, 17, 8, 31, 0, 0));
    });

    it("keys are independent", async () => {
      for (let i = 0; i < 3; i++) await limiter.hit("a", rule, clock.now());
      expect((await limiter.hit("b", rule, clock.now())).allowed, "b has its own count").toBe(true);
      expect((await limiter.hit("a", rule, clock.now())).allowed, "a is over").toBe(false);
    });

    it("starts counting again in the next window", async () => {
      for (let i = 0; i < 4; i++) await limiter.hit("k", rule, clock.now());
      clock.advance(50_000);
      const next = await limiter.hit("k", rule, clock.now());
      expect(next, "fresh window").toMatchObject({ allowed: true, hits: 1 });
    });

    it("counts concurrent hits exactly", async () => {
      const decisions = await Promise.all(
        Array.from({ length: 10 }, () => limiter.hit("burst", rule, clock.now())),
      );
      expect(
        decisions.filter((d) => d.allowed),
        "exactly the limit allowed",
      ).toHaveLength(3);
      expect(
        decisions.map((d) => d.hits).sort((a, b) => a - b),
        "each hit counted once",
      ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it("reset forgets a key; purgeExpired removes ended windows", async () => {
      for (let i = 0; i < 4; i++) await limiter.hit("k", rule, clock.now());
      await limiter.reset("k");
      expect((await limiter.hit("k", rule, clock.now())).hits, "after reset").toBe(1);
      clock.advance(120_000);
      expect(await limiter.purgeExpired(clock.now()), "one ended window").toBe(1);
    });

    if (options.second) {
      const makeSecond = options.second;
      it("two instances on one storage share one limit", async () => {
        const other = await makeSecond();
        const decisions = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 ? limiter : other).hit("shared", rule, clock.now()),
          ),
        );
        expect(
          decisions.filter((d) => d.allowed),
          "limit held across instances",
        ).toHaveLength(3);
      });
    }
  });
}
