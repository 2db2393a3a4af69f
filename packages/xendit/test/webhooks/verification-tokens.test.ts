import { InvalidArgumentError, MemoryIdempotencyStore } from "@lunas/core";
import { createXenditWebhooks } from "@lunas/xendit";
import { describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/load-fixture.js";
import { OLD_TOKEN, TOKEN, webhookRequest } from "./webhook-request.js";

function refusal(verificationTokens: unknown): InvalidArgumentError {
  try {
    createXenditWebhooks({
      verificationTokens: verificationTokens as string,
      store: new MemoryIdempotencyStore(),
    });
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(verificationTokens)} was accepted`);
}

describe("verificationTokens", () => {
  it("a single string is the one token: it verifies, and nothing else does", async () => {
    const webhooks = createXenditWebhooks({
      verificationTokens: TOKEN,
      store: new MemoryIdempotencyStore(),
    });
    expect(webhooks.verify({ "x-callback-token": TOKEN })).toBe(true);
    expect(webhooks.verify({ "x-callback-token": OLD_TOKEN })).toBe(false);
    // Not each character, nor a prefix: the string is one whole token.
    expect(webhooks.verify({ "x-callback-token": TOKEN.slice(0, 1) })).toBe(false);
    const response = await webhooks.handler(
      webhookRequest(loadFixture("webhook-payment-session-completed")),
    );
    expect(response.status).toBe(200);
  });

  it("says what is expected for anything else", () => {
    for (const wrong of [42, null, { token: TOKEN }, [TOKEN, 7]]) {
      expect(refusal(wrong).message).toMatch(
        /expected the callback verification token: a string, or an array of one or two/,
      );
    }
    expect(refusal("").message).toMatch(/cannot be empty/);
    expect(refusal([]).message).toMatch(/give the account's callback verification token/);
    expect(refusal(["a", "b", "c"]).message).toMatch(/at most two tokens/);
  });
});
