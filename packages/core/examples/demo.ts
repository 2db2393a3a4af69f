/**
 * `pnpm start`: the whole of @lunas/core on an embedded PGlite database, no
 * server needed. A payment webhook is delivered five times (twice at once),
 * takes effect once, and hands fulfilment to a background job that logs in to
 * a provider once with a cached token. State lives in .pglite-data/demo, so a
 * second run finds the payment already processed and replays its result.
 */
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import {
  createIdempotentProcessor,
  createTokenProvider,
  createWebhookProcessor,
  retry,
} from "../src/index.js";
import { PgBossJobQueue } from "../src/pg-boss.js";
import {
  createPgliteExecutor,
  migrateCore,
  PostgresIdempotencyStore,
  PostgresTokenStore,
} from "../src/postgres.js";

const dataDir = process.env.LUNAS_DEMO_DATA ?? ".pglite-data/demo";
mkdirSync(dataDir, { recursive: true });
const db = await PGlite.create(dataDir);
const executor = createPgliteExecutor(db);
const applied = await migrateCore(executor);
console.log(`database: PGlite at ${dataDir} (migrations applied now: ${applied.length})`);

// A provider login, cached: every fulfilment reuses it until it expires.
let logins = 0;
const tokens = createTokenProvider({
  key: "demo-provider:ops@example.com",
  store: new PostgresTokenStore(executor),
  fetchToken: async () => {
    logins++;
    return { token: `demo-token-${Date.now()}`, expiresIn: 3600 };
  },
});

const queue = new PgBossJobQueue({ db }, { pollingIntervalSeconds: 0.5, onError: console.error });
await queue.start();

type PaymentEvent = { payment_id: string; order_id: string; amount: number };
const fulfilled: string[] = [];
let jobRan: () => void = () => {};
const jobDone = new Promise<void>((resolve) => {
  jobRan = resolve;
});
await queue.work<PaymentEvent>("fulfil-order", async (job) => {
  // Flaky downstream calls get backoff with full jitter; the job queue retries the rest.
  await retry(() => tokens.withToken(async () => fulfilled.push(job.data.order_id)), {
    maxAttempts: 3,
  });
  jobRan();
});

let effects = 0;
const webhook = createWebhookProcessor<PaymentEvent, { queued: boolean }>({
  processor: createIdempotentProcessor({ store: new PostgresIdempotencyStore(executor) }),
  verify: (request) => request.headers.get("x-callback-token") === "demo-secret",
  parse: (body) => {
    const event = body as Partial<PaymentEvent>;
    if (typeof event.payment_id !== "string" || typeof event.order_id !== "string") {
      throw new Error("payment_id and order_id are required");
    }
    return event as PaymentEvent;
  },
  key: (event) => `payment:${event.payment_id}`,
  // Record and enqueue; never fulfil inline, so the provider gets its 2xx fast.
  handle: async (event) => {
    effects++;
    const jobId = await queue.enqueue("fulfil-order", event, { singletonKey: event.order_id });
    return { queued: jobId !== null };
  },
});

const delivery = (token = "demo-secret") =>
  new Request("http://localhost/webhooks/payment", {
    method: "POST",
    headers: { "x-callback-token": token, "content-type": "application/json" },
    body: JSON.stringify({ payment_id: "pay_001", order_id: "order_001", amount: 150_000 }),
  });

const statuses: number[] = [];
for (const response of await Promise.all([webhook(delivery()), webhook(delivery())])) {
  statuses.push(response.status);
}
for (let i = 0; i < 3; i++) statuses.push((await webhook(delivery())).status);
const forged = await webhook(delivery("wrong"));
console.log(
  `5 deliveries of pay_001 answered ${statuses.join(", ")}; a forged one ${forged.status}`,
);
console.log(`handler effects this run: ${effects} (0 means an earlier run already processed it)`);

if (effects > 0) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    jobDone,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("job did not run in 30 s")), 30_000);
    }),
  ]).finally(() => clearTimeout(timer));
  console.log(
    `fulfilled by the background job: ${fulfilled.join(", ")}; provider logins: ${logins}`,
  );
}
await queue.stop();
await db.close();
console.log("done: run `pnpm start` again to see the same delivery replayed, not repeated");
