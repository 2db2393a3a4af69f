import type { SqlExecutor } from "@lunas/core";
import { PostgresTokenStore } from "@lunas/core/postgres";
import {
  type AiProvider,
  createFonnteClient,
  createGeminiProvider,
  type FonnteClient,
} from "@lunas/fonnte-ai";
import { FakeFonnteServer, FakeGeminiServer } from "@lunas/fonnte-ai/testing";
import { createRouterOsClient, type RouterOsClient } from "@lunas/mikrotik-vouchers";
import { FakeRouterOsServer } from "@lunas/mikrotik-vouchers/testing";
import { createRapatinClient, type RapatinClient } from "@lunas/rapatin";
import { FakeRapatinServer } from "@lunas/rapatin/testing";
import { createXenditClient, type XenditClient } from "@lunas/xendit";
import { FakeXenditServer } from "@lunas/xendit/testing";
import type { Env } from "../config/env.js";
import { VOUCHER_PROFILES } from "../orders/catalogue.js";

/** The fake servers started in this process for providers without credentials. */
export interface StandIns {
  xendit?: FakeXenditServer;
  rapatin?: FakeRapatinServer;
  router?: FakeRouterOsServer;
  fonnte?: FakeFonnteServer;
  gemini?: FakeGeminiServer;
}

export interface Providers {
  xendit: XenditClient;
  xenditCallbackTokens: string[];
  rapatin: RapatinClient;
  router: RouterOsClient;
  routerAddress: string;
  fonnte: FonnteClient;
  fonnteWebhookSecret: string;
  ai: AiProvider;
  standIns: StandIns;
  /** Names of the providers answered by a stand-in (empty in production). */
  demo: string[];
  close(): Promise<void>;
}

const DEMO_FONNTE_SECRET = "demo-fonnte-webhook-secret";

/**
 * One client per provider: the real API when its credentials are set, else
 * the package's fake server, started here on 127.0.0.1 (demo mode).
 */
export async function connectProviders(env: Env, executor: SqlExecutor): Promise<Providers> {
  const standIns: StandIns = {};
  const demo: string[] = [];

  let xendit: XenditClient;
  let xenditCallbackTokens: string[];
  if (env.XENDIT_SECRET_KEY && env.XENDIT_CALLBACK_TOKEN) {
    xendit = createXenditClient({
      secretKey: env.XENDIT_SECRET_KEY,
      ...(env.XENDIT_BASE_URL ? { baseUrl: env.XENDIT_BASE_URL } : {}),
      timeoutMs: 20_000,
    });
    xenditCallbackTokens = env.XENDIT_CALLBACK_TOKEN.split(",").map((token) => token.trim());
  } else {
    const fake = await FakeXenditServer.start();
    standIns.xendit = fake;
    demo.push(`Xendit → ${fake.url}`);
    xendit = createXenditClient({
      secretKey: fake.secretKey,
      baseUrl: fake.url,
      timeoutMs: 10_000,
    });
    xenditCallbackTokens = [fake.callbackToken];
  }

  let rapatinAccount: { email: string; password: string; baseUrl?: string };
  if (env.RAPATIN_EMAIL && env.RAPATIN_PASSWORD) {
    rapatinAccount = {
      email: env.RAPATIN_EMAIL,
      password: env.RAPATIN_PASSWORD,
      ...(env.RAPATIN_BASE_URL ? { baseUrl: env.RAPATIN_BASE_URL } : {}),
    };
  } else {
    const fake = await FakeRapatinServer.start();
    standIns.rapatin = fake;
    demo.push(`Rapatin → ${fake.url}`);
    rapatinAccount = { ...fake.account, baseUrl: fake.url };
  }
  const rapatin = createRapatinClient({
    ...rapatinAccount,
    // Shared by every instance, so they log in once between them.
    tokenStore: new PostgresTokenStore(executor),
    timeoutMs: 20_000,
  });

  let routerOptions: { host: string; port?: number; user: string; password: string };
  if (env.ROUTEROS_HOST && env.ROUTEROS_USER) {
    routerOptions = {
      host: env.ROUTEROS_HOST,
      ...(env.ROUTEROS_PORT === undefined ? {} : { port: env.ROUTEROS_PORT }),
      user: env.ROUTEROS_USER,
      password: env.ROUTEROS_PASSWORD,
    };
  } else {
    const fake = await FakeRouterOsServer.start({ profiles: [...VOUCHER_PROFILES], latencyMs: 2 });
    standIns.router = fake;
    demo.push(`MikroTik router → ${fake.host}:${fake.port}`);
    routerOptions = { host: fake.host, port: fake.port, user: "admin", password: "" };
  }
  const router = createRouterOsClient({
    ...routerOptions,
    connectTimeoutMs: 5_000,
    commandTimeoutMs: 10_000,
  });

  let fonnteOptions: { token: string; baseUrl?: string };
  let fonnteWebhookSecret: string;
  if (env.FONNTE_TOKEN && env.FONNTE_WEBHOOK_SECRET) {
    fonnteOptions = {
      token: env.FONNTE_TOKEN,
      ...(env.FONNTE_BASE_URL ? { baseUrl: env.FONNTE_BASE_URL } : {}),
    };
    fonnteWebhookSecret = env.FONNTE_WEBHOOK_SECRET;
  } else {
    const fake = await FakeFonnteServer.start();
    standIns.fonnte = fake;
    demo.push(`Fonnte (WhatsApp) → ${fake.url}`);
    fonnteOptions = { token: fake.token, baseUrl: fake.url };
    fonnteWebhookSecret = DEMO_FONNTE_SECRET;
  }
  const fonnte = createFonnteClient({ ...fonnteOptions, timeoutMs: 15_000 });

  let geminiOptions: { apiKey: string; baseUrl?: string };
  if (env.GEMINI_API_KEY) {
    geminiOptions = {
      apiKey: env.GEMINI_API_KEY,
      ...(env.GEMINI_BASE_URL ? { baseUrl: env.GEMINI_BASE_URL } : {}),
    };
  } else {
    const fake = await FakeGeminiServer.start({
      reply: () => "Halo! Ini jawaban **demo** dari asisten Lunas.",
    });
    standIns.gemini = fake;
    demo.push(`Gemini → ${fake.url}`);
    geminiOptions = { apiKey: fake.apiKey, baseUrl: fake.url };
  }
  const ai = createGeminiProvider({
    ...geminiOptions,
    models: env.GEMINI_MODELS.split(",").map((model) => model.trim()),
  });

  return {
    xendit,
    xenditCallbackTokens,
    rapatin,
    router,
    routerAddress: `${routerOptions.host}:${routerOptions.port ?? 8728}`,
    fonnte,
    fonnteWebhookSecret,
    ai,
    standIns,
    demo,
    async close() {
      await router.close();
      await Promise.allSettled(
        [standIns.xendit, standIns.rapatin, standIns.router, standIns.fonnte, standIns.gemini].map(
          (fake) => fake?.close(),
        ),
      );
    },
  };
}
