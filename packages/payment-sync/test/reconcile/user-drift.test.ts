import { findUserDrift, type Payment } from "@lunas/payment-sync";
import { describe, expect, it } from "vitest";

const paid = (items: readonly string[]): Payment[] =>
  items.map((itemId, i) => ({
    paymentId: `p-${i}`,
    userId: "u",
    itemId,
    amount: 1,
    paidAt: "2026-01-01T00:00:00.000Z",
    provider: "t",
  }));

// Both sizes: a handful of items (checked by scanning) and more than the scan
// takes (checked with maps); the answers must not depend on which.
describe.each([
  { size: "few items", count: 5 },
  { size: "many items", count: 40 },
])("findUserDrift with $size", ({ count }) => {
  const items = Array.from({ length: count }, (_, i) => `c-${String(i).padStart(2, "0")}`);
  const record = (granted: string[]) => ({ userId: "u", items: granted });

  it("answers null when every paid item is granted once, in any order, also when paid twice", () => {
    expect(findUserDrift("u", paid(items), record([...items].reverse()))).toBeNull();
    expect(findUserDrift("u", paid([...items, items[0] as string]), record(items))).toBeNull();
    expect(findUserDrift("u", [], record([]))).toBeNull();
    expect(findUserDrift("u", [], null)).toBeNull();
  });

  it("finds a duplicate grant of a paid item", () => {
    expect(findUserDrift("u", paid(items), record([...items, items[1] as string]))).toEqual({
      userId: "u",
      absentFrom: null,
      missing: [],
      extra: [],
      duplicates: [{ itemId: items[1], copies: 2 }],
    });
  });

  it("finds an unpaid grant and a paid item not granted", () => {
    const granted = [...items.slice(1), "free"];
    expect(findUserDrift("u", paid(items), record(granted))).toEqual({
      userId: "u",
      absentFrom: null,
      missing: [{ itemId: items[0], paymentIds: ["p-0"] }],
      extra: ["free"],
      duplicates: [],
    });
  });

  it("says which side a user is absent from", () => {
    expect(findUserDrift("u", paid(items), null)?.absentFrom).toBe("entitlements");
    expect(findUserDrift("u", [], record(items))).toMatchObject({
      absentFrom: "payments",
      extra: [...items].sort(),
    });
  });
});
