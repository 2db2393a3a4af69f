export {
  PgBossJobQueue,
  type PgBossJobQueueOptions,
  type PgBossJobQueueSource,
} from "./pg-boss-job-queue.js";
export { createPgliteBossDb, type PgliteBossDb, type PgliteForBoss } from "./pglite-boss-db.js";
