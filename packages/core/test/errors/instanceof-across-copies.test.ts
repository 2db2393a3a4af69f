import { describe, expect, it, vi } from "vitest";

// Two evaluations of the same module stand in for the ESM and CJS copies of a
// package that one app can load side by side: each defines its own classes.
async function loadCopy() {
  vi.resetModules();
  const errors = await import("../../src/errors/lunas-error.js");
  const idempotency = await import("../../src/idempotency/idempotency-errors.js");
  return { ...errors, ...idempotency };
}

describe("instanceof across two copies of @lunas/core", () => {
  it("the copies really are distinct classes", async () => {
    const a = await loadCopy();
    const b = await loadCopy();
    expect(a.LunasError).not.toBe(b.LunasError);
    expect(Object.getPrototypeOf(new a.InvalidArgumentError("x"))).not.toBe(
      b.InvalidArgumentError.prototype,
    );
  });

  it("an error from one copy is an instance of the same class, and its ancestors, of the other", async () => {
    const a = await loadCopy();
    const b = await loadCopy();
    const error = new a.InvalidArgumentError("bad", ["leaseMs: expected number"]);
    expect(error instanceof b.InvalidArgumentError).toBe(true);
    expect(error instanceof b.LunasError).toBe(true);
    expect(error instanceof Error).toBe(true);
    const inProgress = new a.IdempotencyInProgressError("key", 1);
    expect(inProgress instanceof b.IdempotencyInProgressError).toBe(true);
    expect(inProgress instanceof b.LunasError).toBe(true);
  });

  it("is not an instance of an unrelated Lunas error class of either copy", async () => {
    const a = await loadCopy();
    const b = await loadCopy();
    const error = new a.InvalidArgumentError("bad");
    expect(error instanceof b.IdempotencyInProgressError).toBe(false);
    expect(error instanceof a.IdempotencyInProgressError).toBe(false);
    // A base-class error is not an instance of a subclass.
    expect(new a.LunasError("X", "x") instanceof b.InvalidArgumentError).toBe(false);
  });

  it("plain values and foreign errors are not Lunas errors", async () => {
    const { LunasError } = await loadCopy();
    for (const value of [
      null,
      undefined,
      1,
      "LunasError",
      {},
      new Error("x"),
      new TypeError("y"),
    ]) {
      expect(value instanceof LunasError, String(value)).toBe(false);
    }
    const forged = Object.assign(new Error("x"), { name: "LunasError", code: "X" });
    expect(forged instanceof LunasError).toBe(false);
  });
});
