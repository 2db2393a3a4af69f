export {
  PgBossJobQueue,
  type PgBossJobQueueOptions,
  type PgBossJobQueueSource,
} from "./jobs/pg-boss-job-queue.js";
export {
  createPgliteBossDb,
  type PgliteBossDb,
  type PgliteForBoss,
} from "./jobs/pglite-boss-db.js";
