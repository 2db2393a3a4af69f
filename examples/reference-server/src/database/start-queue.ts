import type { PgBossJobQueue } from "@lunas/core/pg-boss";
import type { Database } from "./database.js";

/**
 * Starts the job queue. On PostgreSQL, instances starting together on a fresh
 * database deadlock inside pg-boss's `create_queue` (each creates the queue's
 * partition table), so the start runs under a transaction-scoped advisory
 * lock: one instance at a time, the others wait and then find the queues.
 * Every queue must therefore be listed in the queue's `queues` option.
 * PGlite is one process, and its single connection must stay free for pg-boss.
 */
export async function startQueueExclusively(
  queue: PgBossJobQueue,
  database: Database,
): Promise<void> {
  if (database.kind === "pglite") {
    await queue.start();
    return;
  }
  await database.executor.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock(hashtext('lunas-reference-server:queue-start'))");
    await queue.start();
  });
}
