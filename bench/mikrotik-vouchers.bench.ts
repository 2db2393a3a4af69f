import { fork } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { MemoryIdempotencyStore } from "@lunas/core";
import {
  createRouterOsClient,
  createVoucherService,
  generateVoucherCodes,
  MemoryVoucherStore,
  RouterOsHotspotRouter,
} from "@lunas/mikrotik-vouchers";
import { describeMachine } from "./machine.js";

const VOUCHERS = 1_000;
const LATENCY_MS = Number(process.env.LATENCY_MS ?? 5);

interface RouterProcess {
  port: number;
  stats(): Promise<{ users: number; maxInFlightSeen: number }>;
}

async function withRouter<T>(
  maxInFlight: number,
  fn: (parts: {
    router: RouterProcess;
    client: ReturnType<typeof createRouterOsClient>;
  }) => Promise<T>,
): Promise<T> {
  const child = fork(
    fileURLToPath(new URL("./mikrotik-router-process.ts", import.meta.url)),
    [String(LATENCY_MS)],
    {
      execArgv: ["--import", "tsx"],
    },
  );
  const next = <M>() => new Promise<M>((resolve) => child.once("message", (m) => resolve(m as M)));
  const { port } = await next<{ port: number }>();
  const router: RouterProcess = {
    port,
    stats: () => {
      const answer = next<{ users: number; maxInFlightSeen: number }>();
      child.send("stats");
      return answer;
    },
  };
  const client = createRouterOsClient({
    host: "127.0.0.1",
    port,
    user: "admin",
    password: "",
    maxInFlight,
  });
  try {
    await client.connect();
    return await fn({ router, client });
  } finally {
    await client.close();
    child.disconnect();
  }
}

/** How Mikhmon adds a batch: one `/ip/hotspot/user/add`, wait for its answer, the next. */
async function oneAtATime(): Promise<number> {
  return withRouter(1, async ({ router, client }) => {
    const codes = generateVoucherCodes(
      { mode: "vc", length: 6, prefix: "", charset: "mix" },
      VOUCHERS,
    );
    const started = performance.now();
    for (const code of codes) {
      await client.run("/ip/hotspot/user/add", [
        `=name=${code.username}`,
        `=password=${code.password}`,
        "=profile=1-hari",
        "=limit-uptime=1d",
      ]);
    }
    const ms = performance.now() - started;
    if ((await router.stats()).users !== VOUCHERS) throw new Error("one-at-a-time: wrong count");
    return ms;
  });
}

/** The package's path: `paymentSucceeded` reads the purchase's users, adds the missing ones pipelined, reads back the count. */
async function pipelined(
  maxInFlight: number,
): Promise<{ ms: number; cpuMs: number; inFlight: number }> {
  return withRouter(maxInFlight, async ({ router, client }) => {
    const service = createVoucherService({
      store: new MemoryVoucherStore(),
      router: new RouterOsHotspotRouter(client),
      idempotency: new MemoryIdempotencyStore(),
      delivery: { send: async () => ({ status: "sent" }) },
      hotspotLoginUrl: "http://hotspot.example/login",
    });
    await service.createPurchase({
      id: "BENCH-1",
      quantity: VOUCHERS,
      customerPhone: "6281234567890",
      plan: { profile: "1-hari", length: 6, charset: "mix", timeLimit: "1d" },
    });
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const result = await service.paymentSucceeded("BENCH-1");
    const cpu = process.cpuUsage(cpuBefore);
    const ms = performance.now() - started;
    const stats = await router.stats();
    if (result.purchase.status !== "completed" || stats.users !== VOUCHERS) {
      throw new Error("pipelined: wrong count");
    }
    // CPU of this process (the client side only; the router runs in its own).
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000, inFlight: stats.maxInFlightSeen };
  });
}

export async function run(): Promise<void> {
  console.log(`  load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`);
  console.log(
    `mikrotik-vouchers: ${VOUCHERS} vouchers on the fake RouterOS API server, ${LATENCY_MS} ms added to every reply`,
  );
  const sequential = await oneAtATime();
  console.log(`  one command at a time (Mikhmon)             ${(sequential / 1000).toFixed(2)} s`);
  for (const window of [32, 128]) {
    const { ms, cpuMs, inFlight } = await pipelined(window);
    console.log(
      `  pipelined, window ${String(window).padEnd(3)} (incl. read-back)   ${(ms / 1000).toFixed(3)} s  ` +
        `(CPU ${cpuMs.toFixed(0)} ms, max ${inFlight} in flight)  ratio ${(sequential / ms).toFixed(1)}×  target ≤ 0.5 s: ${ms <= 500 ? "met" : "MISSED"}`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`machine: ${describeMachine()}\n`);
  await run();
}
