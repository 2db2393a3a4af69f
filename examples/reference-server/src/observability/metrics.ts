import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The service's Prometheus metrics, on a registry of its own (several apps in one test process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: "lunas_http_requests_total",
      help: "HTTP requests by method, route and status",
      labelNames: ["method", "route", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "lunas_http_request_duration_seconds",
      help: "HTTP request duration",
      labelNames: ["method", "route"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    webhooks: new Counter({
      name: "lunas_webhook_deliveries_total",
      help: "Webhook deliveries by provider and HTTP status",
      labelNames: ["provider", "status"] as const,
      registers: [registry],
    }),
    fulfilments: new Counter({
      name: "lunas_fulfilment_jobs_total",
      help: "Fulfilment job runs by product type and outcome",
      labelNames: ["product", "outcome"] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "lunas_queue_depth",
      help: "Jobs waiting per queue (sampled at scrape time)",
      labelNames: ["queue"] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
