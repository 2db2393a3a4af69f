import { MemoryIdempotencyStore } from "@lunas/core";
import { createXenditWebhooks } from "@lunas/xendit";
import { describe, expect, it } from "vitest";
import { encodeTokens, matchesAnyToken } from "../../src/webhooks/callback-token.js";
import { OLD_TOKEN, TOKEN } from "./webhook-request.js";

const webhooks = createXenditWebhooks({
  verificationTokens: [TOKEN, OLD_TOKEN],
  store: new MemoryIdempotencyStore(),
});

describe("the callback token header", () => {
  it("a header given once as a one-element list (Node's shape for some headers) is that token", () => {
    expect(webhooks.verify({ "x-callback-token": [TOKEN] })).toBe(true);
    expect(webhooks.verify({ "x-callback-token": [OLD_TOKEN] })).toBe(true);
    expect(webhooks.verify({ "x-callback-token": ["wrong"] })).toBe(false);
  });

  it("a repeated header is refused whichever copy holds the token, even when both do", () => {
    expect(webhooks.verify({ "x-callback-token": [TOKEN, "other"] })).toBe(false);
    expect(webhooks.verify({ "x-callback-token": ["other", TOKEN] })).toBe(false);
    expect(webhooks.verify({ "x-callback-token": [TOKEN, TOKEN] })).toBe(false);
    expect(webhooks.verify({ "x-callback-token": [TOKEN, OLD_TOKEN] })).toBe(false);
    expect(webhooks.verify({ "x-callback-token": [] })).toBe(false);
    // Joined by a proxy into one value, it is not a token either.
    expect(
      webhooks.verify(
        new Headers([
          ["x-callback-token", TOKEN],
          ["x-callback-token", TOKEN],
        ]),
      ),
    ).toBe(false);
  });
});

describe("matchesAnyToken", () => {
  const tokens = encodeTokens(["first-token", "second-token"]);

  it("matches either configured token exactly, and nothing longer, shorter or different", () => {
    expect(matchesAnyToken("first-token", tokens)).toBe(true);
    expect(matchesAnyToken("second-token", tokens)).toBe(true);
    for (const wrong of ["first-toke", "first-tokenx", "First-token", "second-tokem", ""]) {
      expect(matchesAnyToken(wrong, tokens)).toBe(false);
    }
  });

  it("no header never matches, not even a configured empty token", () => {
    expect(matchesAnyToken(null, encodeTokens([""]))).toBe(false);
    expect(matchesAnyToken("", encodeTokens([""]))).toBe(true);
  });

  it("a token that is a prefix of the input, or the input a prefix of it, does not match", () => {
    expect(matchesAnyToken("abc", encodeTokens(["abcd"]))).toBe(false);
    expect(matchesAnyToken("abcd", encodeTokens(["abc"]))).toBe(false);
    // The missing bytes compare as 0, so a token ending in NUL must still not match its prefix.
    expect(matchesAnyToken("abc", encodeTokens(["abc\u0000"]))).toBe(false);
  });
});
