import { type IdempotencyStore, MemoryIdempotencyStore, type Sleep } from "@lunas/core";
import { ManualClock } from "@lunas/core/testing";
import { afterEach } from "vitest";
import {
  createRouterOsClient,
  createVoucherService,
  type DeliveryResult,
  MemoryVoucherStore,
  type RouterOsClientOptions,
  RouterOsHotspotRouter,
  type VoucherMessage,
  type VoucherServiceOptions,
  type VoucherStore,
} from "../../src/index.js";
import { FakeRouterOsServer, type FakeRouterOsServerOptions } from "../../src/testing.js";

export const DELIVERY_TIMEOUT_MS = 30_000;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/**
 * The service wired to a fake RouterOS server over real TCP. Retry waits are
 * recorded and skipped; the delivery timeout waits on a manual clock.
 */
export async function voucherWorld(
  options: {
    server?: FakeRouterOsServerOptions | FakeRouterOsServer;
    client?: Partial<RouterOsClientOptions>;
    service?: Partial<VoucherServiceOptions>;
    store?: VoucherStore;
    idempotency?: IdempotencyStore;
    clock?: ManualClock;
    send?: (message: VoucherMessage, signal: AbortSignal) => Promise<DeliveryResult>;
  } = {},
) {
  const server =
    options.server instanceof FakeRouterOsServer
      ? options.server
      : await FakeRouterOsServer.start({ profiles: ["default", "1-hari"], ...options.server });
  if (!(options.server instanceof FakeRouterOsServer)) closers.push(() => server.close());
  const client = createRouterOsClient({
    host: server.host,
    port: server.port,
    user: "admin",
    password: "",
    commandTimeoutMs: 5_000,
    ...options.client,
  });
  closers.push(() => client.close());
  const router = new RouterOsHotspotRouter(client);
  const clock = options.clock ?? new ManualClock();
  const store = options.store ?? new MemoryVoucherStore();
  const sent: VoucherMessage[] = [];
  const delays: number[] = [];
  const sleep: Sleep = (ms, signal) => {
    if (ms === DELIVERY_TIMEOUT_MS) return clock.sleep(ms, signal);
    delays.push(ms);
    return Promise.resolve();
  };
  const service = createVoucherService({
    store,
    router,
    delivery: {
      send:
        options.send ??
        (async (message) => {
          sent.push(message);
          return { status: "sent", providerMessageId: `msg-${sent.length}` };
        }),
    },
    idempotency: options.idempotency ?? new MemoryIdempotencyStore(),
    hotspotLoginUrl: "http://hotspot.example/login",
    deliveryTimeoutMs: DELIVERY_TIMEOUT_MS,
    clock,
    sleep,
    random: () => 0.999,
    ...options.service,
  });
  const tagged = (purchaseId: string) =>
    server.users().filter((user) => user.email === `${purchaseId}@vouchers.invalid`);
  return { server, client, router, clock, store, service, sent, delays, tagged };
}

export const plan = {
  profile: "1-hari",
  length: 6,
  charset: "mix" as const,
  timeLimit: "1d",
  dataLimit: "2GB",
};
