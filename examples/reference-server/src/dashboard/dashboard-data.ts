import { queueDepths } from "../routes/health-routes.js";
import type { Services } from "../server.js";

interface RecentPayment {
  session_id: string;
  order_id: string | null;
  status: string;
  amount: string | number | null;
  updated_at: Date | string;
}

/** Everything the dashboard shows, read in one go. */
export async function loadDashboard(services: Services) {
  const [orders, vouchers, failed, payments, orphans, reconciliation, queues, recentOrders] =
    await Promise.all([
      services.orders.countByStatus(),
      services.vouchers.statistics(),
      services.vouchers.listFailedVouchers({ limit: 50 }),
      services.database.executor.query<RecentPayment>(
        "select session_id, order_id, status, amount, updated_at from payments order by updated_at desc limit 20",
      ),
      services.ledger.orphans(),
      services.reconciliation.latest(),
      queueDepths(services).catch(() => null),
      services.orders.recent(20),
    ]);
  return {
    orders,
    vouchers,
    failed: failed.purchases,
    payments: payments.rows,
    orphans,
    reconciliation,
    queues,
    recentOrders,
  };
}

export type DashboardData = Awaited<ReturnType<typeof loadDashboard>>;
