import { escapeHtml as h } from "../http/escape-html.js";
import type { DashboardData } from "./dashboard-data.js";

const table = (headers: string[], rows: string[][], empty: string) =>
  rows.length === 0
    ? `<p class="empty">${h(empty)}</p>`
    : `<table><thead><tr>${headers.map((x) => `<th>${h(x)}</th>`).join("")}</tr></thead><tbody>${rows
        .map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join("")}</tr>`)
        .join("")}</tbody></table>`;

const time = (value: Date | string | number) =>
  h(new Date(value).toISOString().replace("T", " ").slice(0, 19));

/**
 * The admin dashboard, rendered on the server: no script and no build step.
 * Its buttons are forms posting to this service (same origin, same key).
 */
export function renderDashboard(data: DashboardData, notice: string | null): string {
  const statuses = ["awaiting_payment", "paid", "fulfilled", "expired"] as const;
  const ordersTable = table(
    ["product", ...statuses],
    Object.entries(data.orders).map(([product, counts]) => [
      h(product),
      ...statuses.map((status) => String(counts[status])),
    ]),
    "No orders yet.",
  );
  const failed = table(
    ["purchase", "quantity", "phone", "last error", "attempts", ""],
    data.failed.map((purchase) => [
      `<code>${h(purchase.id)}</code>`,
      String(purchase.quantity),
      h(purchase.customerPhone),
      h(purchase.lastError ?? ""),
      String(purchase.generationAttempts),
      `<form method="post" action="/admin/vouchers/${encodeURIComponent(purchase.id)}/regenerate"><button data-action="regenerate" data-purchase="${h(purchase.id)}">Regenerate</button></form>
       <form method="post" action="/admin/vouchers/${encodeURIComponent(purchase.id)}/retry-delivery"><button data-action="retry" data-purchase="${h(purchase.id)}">Retry delivery</button></form>`,
    ]),
    "No failed voucher purchases.",
  );
  const payments = table(
    ["session", "order", "status", "amount", "updated"],
    data.payments.map((p) => [
      `<code>${h(p.session_id)}</code>`,
      p.order_id ? `<code>${h(p.order_id)}</code>` : '<span class="warn">orphan</span>',
      h(p.status),
      h(String(p.amount ?? "")),
      time(p.updated_at),
    ]),
    "No payments yet.",
  );
  const orphans = table(
    ["kind", "id", "fix"],
    data.orphans.map((orphan) => [
      h(orphan.kind),
      `<code>${h(orphan.kind === "payment_without_order" ? orphan.payment.sessionId : orphan.order.id)}</code>`,
      `<code>${h(JSON.stringify(orphan.kind === "payment_without_order" ? orphan.fix : orphan.payments.map((p) => p.sessionId)))}</code>`,
    ]),
    "No orphans: every payment has its order.",
  );
  const recent = table(
    ["order", "product", "status", "fulfilment", "created"],
    data.recentOrders.map((order) => [
      `<code>${h(order.orderId)}</code>`,
      h(order.productType),
      `<span class="status-${h(order.status)}" data-order="${h(order.orderId)}">${h(order.status)}</span>`,
      `<code>${h(JSON.stringify(order.fulfilment ?? null).slice(0, 120))}</code>`,
      time(order.createdAt),
    ]),
    "No orders yet.",
  );
  const drift = data.reconciliation
    ? `<p>Last run ${time(data.reconciliation.finishedAt)}: <b>${data.reconciliation.users.length}</b> user(s) with drift.</p><pre>${h(JSON.stringify(data.reconciliation.totals, null, 2))}</pre>`
    : '<p class="empty">No reconciliation has run yet (POST /reconciliation/run).</p>';
  const queues = data.queues
    ? Object.entries(data.queues)
        .map(([name, depth]) => `<li><code>${h(name)}</code>: ${depth} waiting</li>`)
        .join("")
    : '<li class="warn">The queue did not answer.</li>';
  const v = data.vouchers;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lunas admin</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:1.5rem auto;max-width:72rem;padding:0 1rem;color:#1d2430}
h2{margin-top:2rem;border-bottom:1px solid #e3e7ec}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #eef1f4;padding:.3rem .5rem;text-align:left;vertical-align:top}
code{font-family:ui-monospace,monospace;font-size:12px}.empty{color:#6b7785}.warn{color:#a35a00}
form{display:inline}button{margin:.1rem}.notice{background:#e8f4ec;padding:.5rem .75rem;border-radius:6px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
</style></head><body>
<h1>Lunas admin</h1>
${notice ? `<p class="notice" role="status">${h(notice)}</p>` : ""}
<div class="grid">
<section><h2>Orders by status</h2>${ordersTable}</section>
<section><h2>Deliveries</h2><ul>
<li>${v.delivered} completed purchase(s) delivered, ${v.undelivered} not yet</li>
<li>attempts: ${v.deliveryAttempts.sent} sent, ${v.deliveryAttempts.failed} refused, ${v.deliveryAttempts.error} errors</li>
<li>${v.vouchers} voucher(s) in ${v.totalPurchases} purchase(s)</li></ul></section>
<section><h2>Queue depth</h2><ul>${queues}</ul></section>
</div>
<h2>Failed voucher purchases</h2>${failed}
<h2>Recent orders</h2>${recent}
<h2>Recent payments</h2>${payments}
<h2>Orphans</h2>${orphans}
<h2>Reconciliation</h2>${drift}
</body></html>`;
}
