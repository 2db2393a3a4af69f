import { MemoryIdempotencyStore, MemoryTokenStore } from "@lunas/core";
import { createMeetingBooker, createRapatinClient, type RapatinClient } from "@lunas/rapatin";
import { FakeRapatinServer } from "@lunas/rapatin/testing";
import { createXenditWebhooks } from "@lunas/xendit";
import { buildPaymentSessionCompleted } from "@lunas/xendit/testing";
import { median, runPool } from "./machine.js";

const PAYMENTS = 1_000;
const IN_FLIGHT = 10;
const CALLBACK_TOKEN = "bench-callback-token";
const dayOfYear = (i: number) =>
  new Date(Date.UTC(2027, 0, 1 + (i % 365))).toISOString().slice(0, 10);
const account = { email: "ops@example.com", password: "bench-password" };

/**
 * The original plan's webhook, end to end: Xendit's `payment_session.completed`
 * arrives as a Web Request, is verified and deduplicated, and books one Zoom
 * meeting through Rapatin (the fake server, over real HTTP on loopback).
 * `loginEveryTime` is what the original plan replaced: a fresh Rapatin login per
 * webhook. Otherwise one cached token serves every webhook.
 */
async function scenario(label: string, delayMs: number, loginEveryTime: boolean) {
  const server = await FakeRapatinServer.start({
    account,
    delayMs: { login: delayMs, list: delayMs, create: delayMs },
  });
  try {
    const newClient = (): RapatinClient =>
      createRapatinClient({ ...account, baseUrl: server.url, tokenStore: new MemoryTokenStore() });
    const shared = newClient();
    const bookings = new MemoryIdempotencyStore();
    const webhooks = createXenditWebhooks({
      verificationTokens: [CALLBACK_TOKEN],
      store: new MemoryIdempotencyStore(),
    });
    webhooks.on("payment_session.completed", async (event) => {
      const client = loginEveryTime ? newClient() : shared;
      await createMeetingBooker({ client, store: bookings }).scheduleMeetingForOrder(
        event.data.reference_id,
        {
          participants: 100,
          topic: "Kelas Desain",
          // Spread over a year, as real bookings are: the booker lists the day's schedules first.
          startDate: dayOfYear(Number(event.data.reference_id.slice("order-".length))),
          startTime: "19:30",
        },
      );
    });

    const latencies: number[] = [];
    const start = performance.now();
    await runPool(PAYMENTS, IN_FLIGHT, async (i) => {
      const body = buildPaymentSessionCompleted({ sessionId: `ps-${i}`, orderId: `order-${i}` });
      const t0 = performance.now();
      const response = await webhooks.handler(
        new Request("http://localhost/webhooks/xendit", {
          method: "POST",
          headers: { "content-type": "application/json", "x-callback-token": CALLBACK_TOKEN },
          body: JSON.stringify(body),
        }),
      );
      latencies.push(performance.now() - t0);
      if (response.status !== 200) throw new Error(`webhook ${i} answered ${response.status}`);
    });
    const total = (performance.now() - start) / 1000;
    const med = median(latencies);
    const { logins, creates } = server.counts;
    console.log(
      `  ${label.padEnd(24)} logins ${String(logins).padStart(5)}  meetings ${creates}  median ${med.toFixed(2).padStart(7)} ms  total ${total.toFixed(1)} s`,
    );
    if (creates !== PAYMENTS)
      throw new Error(`expected ${PAYMENTS} meetings, Rapatin has ${creates}`);
    return { logins, median: med };
  } finally {
    await server.close();
  }
}

/**
 * 1,000 paid webhooks, 10 in flight, each booking a meeting: logins and median
 * webhook latency, login-every-time vs the cached token provider. Run on bare
 * loopback, and with 25 ms added to every Rapatin answer to stand for the
 * network and Rapatin's own work (an assumption, not a measurement of Rapatin).
 */
export async function run() {
  console.log(
    `rapatin: login every time vs cached token (${PAYMENTS} paid webhooks, ${IN_FLIGHT} in flight)`,
  );
  for (const delay of [0, 25]) {
    console.log(` Rapatin answers delayed by ${delay} ms:`);
    const every = await scenario("login every time", delay, true);
    const cached = await scenario("cached token provider", delay, false);
    console.log(
      `  every-time / cached: logins ${(every.logins / cached.logins).toFixed(0)}×, median webhook latency ${(every.median / cached.median).toFixed(2)}×`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
