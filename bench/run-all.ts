import { describeMachine } from "./machine.js";

// Each benchmark is its own module so it can also be run alone with `pnpm exec tsx bench/<file>`.
const benches = [
  "./token-cache.bench.js",
  "./idempotency-throughput.bench.js",
  "./webhook-ingest.bench.js",
  "./rapatin-login.bench.js",
  "./mikrotik-vouchers.bench.js",
  "./fonnte-ai-bridge.bench.js",
  "./reference-server-webhook.bench.js",
];

console.log(`machine: ${describeMachine()}\n`);
for (const bench of benches) {
  const { run } = (await import(bench)) as { run: () => Promise<void> };
  await run();
  console.log();
}
