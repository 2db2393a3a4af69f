import { FakeFonnteServer, FakeGeminiServer } from "@lunas/fonnte-ai/testing";
import { FakeRouterOsServer } from "@lunas/mikrotik-vouchers/testing";
import { FakeRapatinServer } from "@lunas/rapatin/testing";
import { FakeXenditServer } from "@lunas/xendit/testing";
import { VOUCHER_PROFILES } from "../../src/orders/catalogue.js";

export const FONNTE_WEBHOOK_SECRET = "test-fonnte-webhook-secret";

/**
 * The providers outside the machine, started by the test so it can look at
 * what they received; the service reaches them over HTTP/TCP through the
 * same variables that point it at the real APIs.
 */
export async function startStandIns(options: { routerLatencyMs?: number } = {}) {
  const xendit = await FakeXenditServer.start();
  const rapatin = await FakeRapatinServer.start({ delayMs: { create: 20 } });
  const router = await FakeRouterOsServer.start({
    profiles: [...VOUCHER_PROFILES],
    latencyMs: options.routerLatencyMs ?? 3,
  });
  const fonnte = await FakeFonnteServer.start({ latencyMs: 5 });
  const gemini = await FakeGeminiServer.start({ reply: () => "Jawaban **uji**." });
  const env = {
    XENDIT_SECRET_KEY: xendit.secretKey,
    XENDIT_CALLBACK_TOKEN: xendit.callbackToken,
    XENDIT_BASE_URL: xendit.url,
    RAPATIN_EMAIL: rapatin.account.email,
    RAPATIN_PASSWORD: rapatin.account.password,
    RAPATIN_BASE_URL: rapatin.url,
    ROUTEROS_HOST: router.host,
    ROUTEROS_PORT: String(router.port),
    ROUTEROS_USER: "admin",
    ROUTEROS_PASSWORD: "",
    FONNTE_TOKEN: fonnte.token,
    FONNTE_BASE_URL: fonnte.url,
    FONNTE_WEBHOOK_SECRET,
    GEMINI_API_KEY: gemini.apiKey,
    GEMINI_BASE_URL: gemini.url,
  };
  return {
    xendit,
    rapatin,
    router,
    fonnte,
    gemini,
    env,
    async close() {
      await Promise.allSettled([
        xendit.close(),
        rapatin.close(),
        router.close(),
        fonnte.close(),
        gemini.close(),
      ]);
    },
  };
}

export type StandIns = Awaited<ReturnType<typeof startStandIns>>;
