import type { SqlExecutor } from "@lunas/core";
import type {
  EntitlementStore,
  PaymentSource,
  ReconciliationReport,
  reconcile as reconcileFn,
} from "@lunas/payment-sync";

export interface RunRequest {
  mode: "validate" | "fix";
  dryRun?: boolean;
  revokeExtra?: boolean;
}

/**
 * Reconciliation of what was paid (course payments recorded by the Xendit
 * fulfilment and the Midtrans webhook) against what was granted. Each run's
 * report, in the CLI's JSON schema, is kept for the dashboard.
 */
export function createReconciliation(deps: {
  executor: SqlExecutor;
  payments: PaymentSource;
  entitlements: EntitlementStore;
  reconcile: typeof reconcileFn;
}) {
  return {
    async run(request: RunRequest): Promise<ReconciliationReport> {
      const report = await deps.reconcile({
        source: deps.payments,
        entitlements: deps.entitlements,
        mode: request.mode,
        ...(request.dryRun === undefined ? {} : { dryRun: request.dryRun }),
        ...(request.revokeExtra === undefined ? {} : { revokeExtra: request.revokeExtra }),
        signal: AbortSignal.timeout(120_000),
      });
      await deps.executor.query("insert into reconciliation_runs (report) values ($1::jsonb)", [
        JSON.stringify(report),
      ]);
      return report;
    },
    async latest(): Promise<ReconciliationReport | null> {
      const { rows } = await deps.executor.query<{ report: ReconciliationReport | string }>(
        "select report from reconciliation_runs order by id desc limit 1",
      );
      const report = rows[0]?.report;
      if (report === undefined) return null;
      return typeof report === "string" ? (JSON.parse(report) as ReconciliationReport) : report;
    },
  };
}

export type Reconciliation = ReturnType<typeof createReconciliation>;
