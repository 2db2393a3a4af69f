import type { Hono, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app.js";
import { SERVER_QUEUES } from "../fulfilment/fulfilment-jobs.js";
import type { Services } from "../server.js";

type Check = { status: "ok" | "down"; ms: number; error?: string };

async function check(run: () => Promise<unknown>, timeoutMs = 3_000): Promise<Check> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: "ok", ms: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      status: "down",
      ms: Math.round(performance.now() - started),
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Jobs waiting per server queue, read from pg-boss. */
export async function queueDepths(services: Services): Promise<Record<string, number>> {
  const boss = services.queue.boss as unknown as { getQueueSize(name: string): Promise<number> };
  const depths: Record<string, number> = {};
  for (const name of SERVER_QUEUES) depths[name] = await boss.getQueueSize(name);
  return depths;
}

export function registerHealthRoutes(
  app: Hono<AppEnv>,
  services: Services,
  admin: MiddlewareHandler,
): void {
  app.get("/api/health", async (c) => {
    const [database, queue, router] = await Promise.all([
      check(() => services.database.executor.query("select 1")),
      check(() => queueDepths(services)),
      check(() => services.providers.router.run("/system/resource/print", [])),
    ]);
    const ok = database.status === "ok" && queue.status === "ok";
    return c.json(
      {
        status: ok ? (router.status === "ok" ? "ok" : "degraded") : "down",
        demo: services.providers.demo,
        checks: { database, queue, router },
      },
      ok ? 200 : 503,
    );
  });

  app.get("/metrics", admin, async (c) => {
    try {
      for (const [name, depth] of Object.entries(await queueDepths(services))) {
        services.metrics.queueDepth.set({ queue: name }, depth);
      }
    } catch {
      // The gauge keeps its last value; the health route reports the queue.
    }
    return c.body(await services.metrics.registry.metrics(), 200, {
      "content-type": services.metrics.registry.contentType,
    });
  });
}
