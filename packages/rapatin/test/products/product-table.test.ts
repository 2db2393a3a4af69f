import { InvalidArgumentError } from "@lunas/core";
import {
  checkProductTable,
  DEFAULT_PRODUCT_TABLE,
  NoProductForParticipantsError,
  resolveProductId,
} from "@lunas/rapatin";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("resolveProductId", () => {
  it("maps the default plans: 100 → 1, 300 → 2, 500 → 3, 1000 → 4", () => {
    expect([1, 100, 101, 300, 301, 500, 501, 1000].map((n) => resolveProductId(n))).toEqual([
      1, 1, 2, 2, 3, 3, 4, 4,
    ]);
  });

  it("throws a typed error above the largest plan", () => {
    const error = (() => {
      try {
        return resolveProductId(1001);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(NoProductForParticipantsError);
    expect(error).toMatchObject({ code: "RAPATIN_NO_PRODUCT", participants: 1001, largest: 1000 });
  });

  it("rejects participant counts that are not positive integers", () => {
    for (const bad of [0, -5, 2.5, Number.NaN, "10"]) {
      expect(() => resolveProductId(bad as number)).toThrow(InvalidArgumentError);
    }
  });

  it("takes any table as configuration, in any order", () => {
    const table = [
      { maxParticipants: 50, productId: 11 },
      { maxParticipants: 10, productId: 10 },
    ];
    expect(resolveProductId(10, table)).toBe(10);
    expect(resolveProductId(11, table)).toBe(11);
  });

  it("rejects empty, duplicated or malformed tables", () => {
    expect(() => checkProductTable([])).toThrow(InvalidArgumentError);
    expect(() =>
      checkProductTable([
        { maxParticipants: 10, productId: 1 },
        { maxParticipants: 10, productId: 2 },
      ]),
    ).toThrow(/appears twice/);
    expect(() =>
      checkProductTable([
        { maxParticipants: 10, productId: 1 },
        { maxParticipants: 20, productId: 1 },
      ]),
    ).toThrow(/appears twice/);
    expect(() => checkProductTable([{ maxParticipants: -1, productId: 1 }])).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      checkProductTable([{ maxParticipants: 5, productId: 1, extra: true } as never]),
    ).toThrow(InvalidArgumentError);
  });

  it("always picks the smallest plan that fits", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 5000 }),
        (sizes, participants) => {
          const table = sizes.map((maxParticipants, i) => ({ maxParticipants, productId: i + 1 }));
          const fitting = table.filter((t) => t.maxParticipants >= participants);
          if (fitting.length === 0) {
            expect(() => resolveProductId(participants, table)).toThrow(
              NoProductForParticipantsError,
            );
            return;
          }
          const smallest = fitting.reduce((a, b) =>
            a.maxParticipants <= b.maxParticipants ? a : b,
          );
          expect(resolveProductId(participants, table)).toBe(smallest.productId);
        },
      ),
    );
  });

  it("keeps the default table frozen", () => {
    expect(Object.isFrozen(DEFAULT_PRODUCT_TABLE)).toBe(true);
  });
});
