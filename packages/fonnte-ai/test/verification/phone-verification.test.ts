import { ManualClock } from "@lunas/core/testing";
import {
  createFonnteClient,
  createPhoneVerification,
  MemoryRateLimiter,
  type PhoneVerificationError,
} from "@lunas/fonnte-ai";
import {
  PostgresIdentityResolver,
  PostgresPhoneVerificationStore,
} from "@lunas/fonnte-ai/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BridgeWorld,
  createBridge,
  createBridgeWorld,
  statusOf,
} from "../bridge/bridge-world.js";

const NEW_NUMBER = "6281311112222";

describe("phone linking by a one-time code over WhatsApp", () => {
  let world: BridgeWorld;
  beforeAll(async () => {
    world = await createBridgeWorld("fonnte_otp_flow");
  });
  afterAll(() => world.close());

  const setup = () => {
    const clock = new ManualClock(Date.UTC(2026, 4, 17, 9, 0, 0, 0));
    const verification = createPhoneVerification({
      store: new PostgresPhoneVerificationStore(world.db.executor, { schema: world.db.schema }),
      identity: new PostgresIdentityResolver(world.db.executor, { schema: world.db.schema }),
      rateLimiter: new MemoryRateLimiter(),
      sender: createFonnteClient({
        token: world.fonnte.token,
        baseUrl: world.fonnte.url,
        timeoutMs: 2_000,
      }),
      secret: "otp-hmac-key-0123456789-0123456789",
      clock,
    });
    return { clock, verification };
  };
  const lastCode = () => {
    const text = world.fonnte.messagesTo(NEW_NUMBER).at(-1) ?? "";
    return text.match(/\b(\d{6})\b/)?.[1] ?? "";
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (e: unknown) => e as PhoneVerificationError,
    );

  it("a wrong code 5 times locks; the right code then links the number and the gate lets it through", async () => {
    const { verification, clock } = setup();
    const bridge = await createBridge(world, { clock });
    expect(await statusOf(await bridge.deliver(NEW_NUMBER, "halo"))).toBe("unknown_sender");

    expect(await verification.requestPhoneVerification("user-4", "0813-1111-2222")).toEqual({
      phone: NEW_NUMBER,
      expiresAt: clock.now() + 10 * 60_000,
    });
    const code = lastCode();
    expect(code).toMatch(/^\d{6}$/);
    const { rows } = await world.db.executor.query<{ code_hash: string }>(
      `select code_hash from "${world.db.schema}".fonnte_ai_phone_verifications where user_id = 'user-4'`,
    );
    expect(rows[0]?.code_hash, "hashed at rest").toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]?.code_hash).not.toContain(code);

    const wrong = code === "000000" ? "111111" : "000000";
    const errors = [];
    for (let i = 0; i < 5; i++)
      errors.push(await failure(verification.confirmPhoneVerification("user-4", wrong)));
    expect(errors.map((e) => [e?.code, e?.attemptsLeft])).toEqual([
      ["VERIFICATION_CODE_WRONG", 4],
      ["VERIFICATION_CODE_WRONG", 3],
      ["VERIFICATION_CODE_WRONG", 2],
      ["VERIFICATION_CODE_WRONG", 1],
      ["VERIFICATION_LOCKED", undefined],
    ]);
    expect(
      (await failure(verification.confirmPhoneVerification("user-4", code)))?.code,
      "locked even for the right code",
    ).toBe("VERIFICATION_LOCKED");

    await verification.requestPhoneVerification("user-4", "+62 813 1111 2222");
    expect(await verification.confirmPhoneVerification("user-4", lastCode())).toEqual({
      phone: NEW_NUMBER,
    });
    expect(
      (await failure(verification.confirmPhoneVerification("user-4", lastCode())))?.code,
      "used once",
    ).toBe("VERIFICATION_NOT_FOUND");

    expect(await statusOf(await bridge.deliver(NEW_NUMBER, "halo lagi"))).toBe("accepted");
    await bridge.bridge.idle();
    expect(world.fonnte.messagesTo(NEW_NUMBER).at(-1)).toBe("Jawaban untuk: halo lagi");
  });

  it("codes expire; requests per number are limited; a number another user has is refused", async () => {
    const { verification, clock } = setup();
    await verification.requestPhoneVerification("user-2", "0821 5555 6666");
    clock.advance(10 * 60_000);
    expect((await failure(verification.confirmPhoneVerification("user-2", "123456")))?.code).toBe(
      "VERIFICATION_EXPIRED",
    );

    await verification.requestPhoneVerification("user-2", "0821 5555 6666");
    await verification.requestPhoneVerification("user-2", "0821 5555 6666");
    const limited = await failure(
      verification.requestPhoneVerification("user-2", "0821 5555 6666"),
    );
    expect(limited?.code).toBe("VERIFICATION_RATE_LIMITED");
    expect(limited?.retryAfterMs).toBeGreaterThan(0);

    await verification.requestPhoneVerification("user-2", "0812-3456-7890"); // user-1's number
    const text = world.fonnte.messagesTo("6281234567890").at(-1) ?? "";
    const code = text.match(/\b(\d{6})\b/)?.[1] ?? "";
    expect((await failure(verification.confirmPhoneVerification("user-2", code)))?.code).toBe(
      "PHONE_ALREADY_LINKED",
    );
  });

  it("refuses bad input before writing anything", async () => {
    const { verification } = setup();
    await expect(
      verification.requestPhoneVerification("user-2", "021 555 1234"),
    ).rejects.toMatchObject({
      code: "INVALID_PHONE_NUMBER",
    });
    await expect(verification.confirmPhoneVerification("user-2", "12ab")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect(() => createPhoneVerification({ secret: "short" } as never)).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });
});
