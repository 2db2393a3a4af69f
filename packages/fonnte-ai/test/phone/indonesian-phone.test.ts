import {
  InvalidPhoneNumberError,
  normalizeIndonesianPhone,
  toIndonesianMobile,
} from "@lunas/fonnte-ai";
import { describe, expect, it } from "vitest";

describe("Indonesian mobile numbers", () => {
  it.each([
    ["0812-3456-7890", "6281234567890"],
    ["0812 3456 7890", "6281234567890"],
    ["+62 812 3456 7890", "6281234567890"],
    ["+62-812-3456-7890", "6281234567890"],
    ["6281234567890", "6281234567890"],
    ["62 812 3456 789", "628123456789"],
    ["812.3456.7890", "6281234567890"],
    ["(0856) 1234 5678", "6285612345678"],
    ["\u00a00813 1111 2222 ", "6281311112222"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeIndonesianPhone(input)).toBe(expected);
  });

  it.each([
    ["a Jakarta landline", "021 555 1234"],
    ["too short", "08123"],
    ["too long", "+62 812 3456 7890 123"],
    ["another country", "+1 415 555 2671"],
    ["letters", "0812-ABCD-7890"],
    ["empty", ""],
    ["a group id", "120363025000000000@g.us"],
  ])("refuses %s", (_, input) => {
    expect(toIndonesianMobile(input)).toBeNull();
    expect(() => normalizeIndonesianPhone(input)).toThrow(InvalidPhoneNumberError);
  });

  it("keeps the number out of the error message (personal data)", () => {
    try {
      normalizeIndonesianPhone("021 555 1234");
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidPhoneNumberError).code).toBe("INVALID_PHONE_NUMBER");
      expect((error as Error).message).not.toContain("555");
    }
  });
});
