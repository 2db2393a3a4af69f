import { parseInput } from "../errors/parse-input.js";
import { portSchema } from "../input/injected-schemas.js";
import type { PgliteQueryableLike } from "../sql/driver-types.js";
import { pgBoss11OrLater } from "./pg-boss-class.js";
import type { PgBossDb } from "./pg-boss-types.js";

/** The part of PGlite pg-boss needs: `query` for one statement, `exec` for scripts. */
export type PgliteForBoss = PgliteQueryableLike;

export interface PgliteBossDb extends PgBossDb {
  /**
   * Resolves once no statement sent through this adapter is still running.
   * pg-boss completes and fails jobs without awaiting the result; wait for
   * this before closing PGlite so those writes are not cut off.
   */
  idle(): Promise<void>;
}

/**
 * Lets pg-boss 10 run on an embedded PGlite database. pg-boss sends two kinds
 * of SQL through `executeSql`: statements with `$n` parameters (PGlite
 * `query`, extended protocol, one statement) and parameterless scripts such as
 * its schema creation and locked maintenance blocks (`BEGIN; ...; COMMIT;`),
 * which only PGlite's `exec` (simple protocol) accepts; for those pg-boss 10
 * reads the rows of the last statement and pg-boss 11+ the rows of every
 * statement (a RETURNING in the middle of a locked block).
 */
export function createPgliteBossDb(pglite: PgliteForBoss): PgliteBossDb {
  parseInput(portSchema<PgliteForBoss>("PGlite", ["query", "exec"]), pglite, "createPgliteBossDb");
  const pending = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    const forget = () => pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  };
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (values && values.length > 0) {
        // pg sends undefined as NULL; PGlite's serialisers expect null.
        const params = values.map((value) => (value === undefined ? null : value));
        const result = await track(pglite.query<Record<string, unknown>>(text, params));
        return { rows: result.rows };
      }
      const results = await track(pglite.exec(text));
      return {
        rows: pgBoss11OrLater
          ? results.flatMap((result) => result.rows)
          : (results.at(-1)?.rows ?? []),
      };
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
