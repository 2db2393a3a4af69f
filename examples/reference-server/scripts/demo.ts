/**
 * `pnpm demo`: one purchase of each product type through the running service
 * (`pnpm start`, demo mode), printing each step: the order and its payment
 * link, the Xendit webhook, the fulfilment, and the WhatsApp message sent.
 */
const baseUrl = (process.env.DEMO_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`).replace(
  /\/$/,
  "",
);
const adminKey = process.env.ADMIN_API_KEY ?? "demo-admin-key-change-me";
const phone = "6281234567890";

type Json = Record<string, unknown>;

export {};

async function call(method: string, path: string, body?: unknown, admin = false): Promise<Json> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(admin ? { authorization: `Bearer ${adminKey}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const json = (await response.json()) as Json;
  if (!response.ok) {
    throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
  }
  return json;
}

async function waitForFulfilment(orderId: string): Promise<Json> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const order = await call("GET", `/orders/${orderId}`);
    if (order.status === "fulfilled") return order;
    if (Date.now() > deadline)
      throw new Error(`Order ${orderId} not fulfilled: ${JSON.stringify(order)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

const purchases = [
  {
    title: "Zoom meeting (Rapatin)",
    body: {
      product_type: "zoom_meeting",
      customer_phone: phone,
      meeting: {
        topic: "Kelas Desain",
        participants: 120,
        start_date: "2027-03-01",
        start_time: "19:30",
      },
    },
  },
  {
    title: "Hotspot vouchers (MikroTik + WhatsApp)",
    body: { product_type: "hotspot_voucher", customer_phone: phone, plan: "1-hari", quantity: 3 },
  },
  {
    title: "Course (entitlement)",
    body: { product_type: "course", user_id: "ayu", course_id: "course-ts" },
  },
];

try {
  const health = await call("GET", "/api/health");
  console.log(`Service at ${baseUrl}: ${health.status}`);
} catch (error) {
  console.error(`No service answers at ${baseUrl} (${(error as Error).message}).`);
  console.error("Start it first in another terminal with `pnpm start`, then run `pnpm demo`.");
  process.exit(1);
}

const messagesBefore = (
  (await call("GET", `/demo/whatsapp?target=${phone}`, undefined, true)).messages as unknown[]
).length;

for (const [index, purchase] of purchases.entries()) {
  console.log(`\n${index + 1}. ${purchase.title}`);
  const order = await call("POST", "/orders", purchase.body);
  console.log(`   order     ${order.order_id}: ${order.amount} ${order.currency}`);
  console.log(`   pay at    ${order.payment_link_url} (session ${order.session_id})`);
  const paid = await call("POST", `/demo/orders/${order.order_id}/pay`, undefined, true);
  const webhook = paid.webhook as { event: string };
  const delivery = paid.delivery as { status: number; body: unknown };
  console.log(
    `   webhook   ${webhook.event} → POST /webhooks/xendit answered ${delivery.status} ${JSON.stringify(delivery.body)}`,
  );
  const done = await waitForFulfilment(String(order.order_id));
  console.log(`   fulfilled ${JSON.stringify(done.fulfilment)}`);
}

const { messages } = (await call("GET", `/demo/whatsapp?target=${phone}`, undefined, true)) as {
  messages: { target: string; message: string }[];
};
for (const message of messages.slice(messagesBefore)) {
  console.log(`\nWhatsApp to ${message.target}:\n${message.message.replace(/^/gm, "   ")}`);
}
const report = await call("POST", "/reconciliation/run", { mode: "validate" }, true);
console.log(`\nReconciliation: ${(report.users as unknown[]).length} user(s) with drift`);
