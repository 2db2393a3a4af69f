import { MemoryTokenStore } from "@lunas/core";
import { createRapatinClient } from "@lunas/rapatin";
import { FakeRapatinServer } from "@lunas/rapatin/testing";
import { median, runPool } from "./machine.js";

const PAYMENTS = 1_000;
const IN_FLIGHT = 10;
const account = { email: "ops@example.com", password: "bench-password" };

const schedule = (i: number) => ({
  product_id: 1,
  topic: `Order ${i}`,
  passcode: "246810",
  start_date: "2026-12-01",
  start_time: "19:30",
  recurring: false,
});

async function scenario(label: string, delayMs: number, loginEveryTime: boolean) {
  const server = await FakeRapatinServer.start({
    account,
    delayMs: { login: delayMs, create: delayMs },
  });
  try {
    // What the original plan replaced: each webhook logs in before booking.
    // Cached: one client, one token store, shared by every webhook.
    const shared = createRapatinClient({
      ...account,
      baseUrl: server.url,
      tokenStore: new MemoryTokenStore(),
    });
    const latencies: number[] = [];
    const start = performance.now();
    await runPool(PAYMENTS, IN_FLIGHT, async (i) => {
      const client = loginEveryTime
        ? createRapatinClient({
            ...account,
            baseUrl: server.url,
            tokenStore: new MemoryTokenStore(),
          })
        : shared;
      const t0 = performance.now();
      await client.createSchedule(schedule(i));
      latencies.push(performance.now() - t0);
    });
    const total = (performance.now() - start) / 1000;
    const med = median(latencies);
    console.log(
      `  ${label.padEnd(34)} logins ${String(server.counts.logins).padStart(5)}  median ${med.toFixed(2).padStart(7)} ms  total ${total.toFixed(1)} s`,
    );
    return { logins: server.counts.logins, median: med };
  } finally {
    await server.close();
  }
}

/**
 * 1,000 payments, each booking one meeting on the fake Rapatin server over real
 * HTTP, 10 at a time: logging in on every webhook vs the cached token provider.
 * Run twice: on bare loopback, and with 25 ms added to each Rapatin answer to
 * stand for the network and Rapatin's own work (an assumption, not a measurement
 * of Rapatin).
 */
export async function run() {
  console.log(
    `rapatin: login every time vs cached token (${PAYMENTS} payments, ${IN_FLIGHT} in flight)`,
  );
  for (const delay of [0, 25]) {
    console.log(` answers delayed by ${delay} ms:`);
    const every = await scenario("login every time", delay, true);
    const cached = await scenario("cached token provider", delay, false);
    console.log(
      `  ratio every-time / cached: logins ${(every.logins / cached.logins).toFixed(0)}×, median latency ${(every.median / cached.median).toFixed(2)}×`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
