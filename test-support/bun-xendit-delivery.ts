// Run by scripts/bun-check.mjs under Bun: the main entries of core, xendit and
// rapatin (workspace sources through tsconfig paths, as the Deno example maps
// them) on Bun's runtime. A signed Xendit delivery through the webhook handler
// on memory stores answers 200 once, then replays; a wrong token gets 401.
import assert from "node:assert/strict";
import { MemoryIdempotencyStore, MemoryTokenStore } from "@lunas/core";
import { createMeetingBooker, createRapatinClient } from "@lunas/rapatin";
import { createLedger, createXenditWebhooks, MemoryLedgerStore } from "@lunas/xendit";

const ledger = createLedger({ store: new MemoryLedgerStore() });
await ledger.createOrder({ id: "order-1", amount: 150000, currency: "IDR" });
const webhooks = createXenditWebhooks({
  verificationTokens: ["bun-callback-token"],
  store: new MemoryIdempotencyStore(),
});
let effects = 0;
webhooks.on("payment_session.completed", async (event) => {
  effects++;
  await ledger.recordPaymentEvent(event);
});

const delivery = (token: string) =>
  new Request("https://shop.example/webhooks/xendit", {
    method: "POST",
    headers: { "content-type": "application/json", "x-callback-token": token },
    body: JSON.stringify({
      event: "payment_session.completed",
      business_id: "661f87c614802d6c402cd82d",
      created: "2026-01-01T10:00:00Z",
      data: {
        payment_session_id: "ps-bun-1",
        payment_id: "py-bun-1",
        reference_id: "order-1",
        status: "COMPLETED",
        amount: 150000,
        currency: "IDR",
        metadata: { order_id: "order-1" },
      },
    }),
  });

const first = await webhooks.handler(delivery("bun-callback-token"));
assert.equal(first.status, 200);
assert.equal(((await first.json()) as { replayed: boolean }).replayed, false);
const again = await webhooks.handler(delivery("bun-callback-token"));
assert.equal(again.status, 200);
assert.equal(((await again.json()) as { replayed: boolean }).replayed, true);
assert.equal((await webhooks.handler(delivery("wrong-token"))).status, 401);
assert.equal(effects, 1);
assert.equal((await ledger.findPaymentForOrder("order-1"))?.amount, 150000);

// Rapatin's main entry builds its client and booker (zod options, ky) on Bun.
const rapatin = createRapatinClient({
  email: "ops@example.com",
  password: "secret",
  tokenStore: new MemoryTokenStore(),
});
assert.equal(typeof createMeetingBooker({ client: rapatin }).scheduleMeetingForOrder, "function");

console.log(
  `Bun ${process.versions.bun}: signed Xendit delivery 200 once, replayed after, 1 effect`,
);
