// Structural types for pg-boss, written here so that `@lunas/core/pg-boss`'s
// declaration file imports nothing from `pg-boss` (an optional peer) and its types
// never degrade to `any` in an app that has not installed it. A real `PgBoss`
// (10 or 12) is assignable to `PgBossLike` (test/types/driver-types.test-d.ts).

/** pg-boss's database seam (`PgBoss.Db`): one SQL call with `$n` parameters. */
export interface PgBossDb {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/** A job as pg-boss reports it (`getJobById`); pg-boss adds more fields. */
export interface PgBossJobLike {
  id: string;
  name: string;
  data: unknown;
  state: string;
  startAfter: Date;
  singletonKey: string | null;
  retryLimit: number;
  retryCount: number;
  output?: unknown;
}

/**
 * A pg-boss instance: the calls the queue makes and the inspection calls an
 * integrator reaches through `PgBossJobQueue.boss`. Arguments are loose where
 * pg-boss 10 and 12 differ; for the full API, type it as your installed `PgBoss`.
 */
export interface PgBossLike {
  start(): Promise<unknown>;
  stop(options?: { graceful?: boolean; wait?: boolean; timeout?: number }): Promise<void>;
  send(name: string, data: object | null, options?: object): Promise<string | null>;
  work(
    name: string,
    options: object,
    handler: (jobs: { id: string; name: string; data: unknown }[]) => Promise<unknown>,
  ): Promise<string>;
  notifyWorker(workerId: string): void;
  createQueue(name: string, options?: object): Promise<void>;
  getQueue(name: string): Promise<{ name: string; policy?: string } | null>;
  getJobById(name: string, id: string): Promise<PgBossJobLike | null>;
  on(event: "error", listener: (error: Error) => void): unknown;
  off(event: "error", listener: (error: Error) => void): unknown;
  emit(event: "error", error: unknown): boolean;
  listeners(event: "error"): unknown[];
}

/**
 * pg-boss constructor options that `PgBossJobQueue` passes through, such as
 * `expireInSeconds` (the handler timeout, default 15 min) or `max` (pool size).
 * The ones named here are common to pg-boss 10 and 12; others pass as they are.
 */
export interface PgBossOptionsLike {
  max?: number;
  expireInSeconds?: number;
  retentionDays?: number;
  deleteAfterDays?: number;
  archiveCompletedAfterSeconds?: number;
  maintenanceIntervalSeconds?: number;
  monitorStateIntervalSeconds?: number;
  supervise?: boolean;
  migrate?: boolean;
  application_name?: string;
  [option: string]: unknown;
}
