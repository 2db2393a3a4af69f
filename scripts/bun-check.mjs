// `pnpm test:bun`: the main entries of core, xendit and rapatin on Bun (the
// `bun` npm package, installed into the runtime cache like Node 22/24), as the
// Supabase Edge example proves them on Deno. The check itself is
// test-support/bun-xendit-delivery.ts.
import { spawnSync } from "node:child_process";
import { ensureRuntime } from "./runtime-cache.mjs";

const bun = ensureRuntime("bun@1");
const { status, error } = spawnSync(bun, ["run", "test-support/bun-xendit-delivery.ts"], {
  stdio: "inherit",
  timeout: 5 * 60_000,
});
if (error) console.error(`Bun did not finish: ${error.message}`);
process.exit(status ?? 1);
