import { describe, expect, it } from "vitest";
import { CHARSETS, generateVoucherCodes } from "../../src/index.js";

const shape = { mode: "vc" as const, length: 6, prefix: "", charset: "mix2" as const };

describe("voucher codes", () => {
  it("leaves out the look-alike characters 0 1 l o q I O Q in every charset", () => {
    for (const [name, alphabet] of Object.entries(CHARSETS)) {
      expect(alphabet, `charset ${name}`).not.toMatch(/[01loqIOQ]/);
      expect(new Set(alphabet).size, `charset ${name}: no repeats`).toBe(alphabet.length);
    }
    expect(CHARSETS.num, "num").toBe("23456789");
  });

  it("draws from the charset, with the prefix outside the length, unique in the batch", () => {
    const codes = generateVoucherCodes({ ...shape, prefix: "HS-", charset: "upper" }, 2_000);
    expect(new Set(codes.map((c) => c.username)).size, "unique").toBe(2_000);
    for (const code of codes) {
      expect(code.username, "prefix + 6 upper").toMatch(/^HS-[A-HJ-NPR-Z]{6}$/);
      expect(code.password, "vc: password = username").toBe(code.username);
    }
  });

  it("gives up mode a separate password of the same shape", () => {
    const [code] = generateVoucherCodes({ ...shape, mode: "up", charset: "num" }, 1);
    expect(code?.password, "up: own password").toMatch(/^[2-9]{6}$/);
    expect(code?.password, "up: not the username").not.toBe(code?.username);
  });

  it("avoids names already on the router", () => {
    // 8^3 = 512 codes; 500 taken leaves exactly 12.
    const all = generateVoucherCodes({ ...shape, length: 3, charset: "num" }, 512).map(
      (c) => c.username,
    );
    const taken = all.slice(0, 500);
    const codes = generateVoucherCodes({ ...shape, length: 3, charset: "num" }, 12, { taken });
    expect(codes.map((c) => c.username).sort(), "exactly the 12 free ones").toEqual(
      all.slice(500).sort(),
    );
  });

  it("throws VOUCHER_CODE_SPACE_EXHAUSTED instead of looping when the space is full", () => {
    const taken = generateVoucherCodes({ ...shape, length: 3, charset: "num" }, 512).map(
      (c) => c.username,
    );
    expect(() =>
      generateVoucherCodes({ ...shape, length: 3, charset: "num" }, 1, { taken }),
    ).toThrow(expect.objectContaining({ code: "VOUCHER_CODE_SPACE_EXHAUSTED" }));
  });

  it("uses the injected random bytes without bias (rejection of bytes past the last full cycle)", () => {
    // num has 8 characters: 256 is a multiple of 8, so every byte maps; 0 → '2', 7 → '9', 255 → '9'.
    const bytes = [0, 7, 255, 8, 1, 2];
    const code = generateVoucherCodes({ ...shape, charset: "num" }, 1, {
      random: (n) => Uint8Array.from({ length: n }, (_, i) => bytes[i % bytes.length]!),
    });
    expect(code[0]?.username, "deterministic from the bytes").toBe("299234");
    // mix2 has 54 characters: bytes ≥ 216 (4 × 54) are skipped.
    const skipped = generateVoucherCodes({ ...shape, length: 3 }, 1, {
      random: (n) => Uint8Array.from({ length: n }, (_, i) => [250, 0][i % 2]!),
    });
    expect(skipped[0]?.username, "250 skipped, 0 → first char").toBe("AAA");
  });
});
