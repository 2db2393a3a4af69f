export {
  PgBossJobQueue,
  type PgBossJobQueueOptions,
  type PgBossJobQueueSource,
} from "./jobs/pg-boss-job-queue.js";
export type {
  PgBossDb,
  PgBossJobLike,
  PgBossLike,
  PgBossOptionsLike,
} from "./jobs/pg-boss-types.js";
export {
  createPgliteBossDb,
  type PgliteBossDb,
  type PgliteForBoss,
} from "./jobs/pglite-boss-db.js";
export type { PgliteLike, PgliteQueryableLike, PgliteResultsLike } from "./sql/driver-types.js";
