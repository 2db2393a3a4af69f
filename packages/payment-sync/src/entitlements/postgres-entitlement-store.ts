import { parseInput, qualifiedName, quoteIdentifier, type SqlExecutor } from "@lunas/core";
import { sqlExecutorSchema } from "@lunas/core/validation";
import { z } from "zod";
import type { EntitlementStore, UserEntitlements } from "./entitlement-store.js";

export interface PostgresEntitlementStoreOptions {
  /** Schema holding the table (where `migratePaymentSync` ran). Default `public`. */
  schema?: string;
  /** Default `payment_sync_users`. An app's own users table needs a unique user id column and a `text[]` column. */
  table?: string;
  /** Default `{ userId: "user_id", items: "items" }`. */
  columns?: { userId?: string; items?: string };
}

const argumentsSchema = z.object({
  executor: sqlExecutorSchema,
  options: z.strictObject({
    schema: z.string().default("public"),
    table: z.string().default("payment_sync_users"),
    columns: z
      .strictObject({
        userId: z.string().default("user_id"),
        items: z.string().default("items"),
      })
      .default({ userId: "user_id", items: "items" }),
  }),
});

/**
 * Grants as a `text[]` per user row. Every write is one statement that takes
 * the row's lock, so concurrent writers never duplicate or lose an item.
 */
export class PostgresEntitlementStore implements EntitlementStore {
  readonly #executor: SqlExecutor;
  readonly #sql: {
    first: string;
    after: string;
    get: string;
    absent: string;
    grant: string;
    revoke: string;
    dedupe: string;
  };

  constructor(executor: SqlExecutor, options: PostgresEntitlementStoreOptions = {}) {
    const { options: opts } = parseInput(
      argumentsSchema,
      { executor, options },
      "PostgresEntitlementStore arguments",
    );
    this.#executor = executor;
    const t = qualifiedName(opts.schema, opts.table);
    const id = quoteIdentifier(opts.columns.userId);
    const items = quoteIdentifier(opts.columns.items);
    // The grants travel as JSON: the driver hands that to JSON.parse, where a
    // text[] goes through a character-by-character array parser that, over a
    // full walk, allocated more than every other step of the engine.
    const select = `select ${id}::text as "userId", array_to_json(coalesce(${items}, '{}')) as items from ${t}`;
    this.#sql = {
      first: `${select} order by ${id} limit $1`,
      after: `${select} where ${id} > $2 order by ${id} limit $1`,
      get: `${select} where ${id}::text = any($1::text[])`,
      absent: `select u.id from unnest($1::text[]) as u(id)
        where not exists (select 1 from ${t} where ${id}::text = u.id)`,
      // ON CONFLICT DO UPDATE re-checks its WHERE on the row's latest version
      // under the row lock: of two racing grants, the second sees the first's item.
      grant: `insert into ${t} as t (${id}, ${items}) values ($1, array[$2::text])
        on conflict (${id}) do update set ${items} = coalesce(t.${items}, '{}') || $2::text
        where not ($2::text = any(coalesce(t.${items}, '{}')))`,
      revoke: `update ${t} set ${items} = array_remove(${items}, $2::text)
        where ${id} = $1 and $2::text = any(${items})`,
      dedupe: `update ${t} t set ${items} = array(
          select x from unnest(t.${items}) with ordinality as u(x, n)
          where x <> $2::text or n = array_position(t.${items}, $2::text) order by n)
        from (select ${id} as uid, cardinality(array_positions(${items}, $2::text)) as copies
              from ${t} where ${id} = $1 for update) c
        where t.${id} = c.uid and c.copies > 1
        returning c.copies - 1 as removed`,
    };
  }

  async listUsers(request: { cursor: string | null; limit: number }) {
    // Rows come back in the record's own shape: no second object per user.
    const { rows: users } =
      request.cursor === null
        ? await this.#executor.query<UserEntitlements>(this.#sql.first, [request.limit])
        : await this.#executor.query<UserEntitlements>(this.#sql.after, [
            request.limit,
            request.cursor,
          ]);
    return {
      items: users,
      cursor: users.length < request.limit ? null : (users.at(-1)?.userId ?? null),
    };
  }

  async getUsers(userIds: readonly string[]): Promise<UserEntitlements[]> {
    if (userIds.length === 0) return [];
    const { rows } = await this.#executor.query<UserEntitlements>(this.#sql.get, [userIds]);
    return rows;
  }

  async absentUsers(userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const { rows } = await this.#executor.query<{ id: string }>(this.#sql.absent, [userIds]);
    return rows.map((row) => row.id);
  }

  async grant(userId: string, itemId: string) {
    const { rowCount } = await this.#executor.query(this.#sql.grant, [userId, itemId]);
    return { granted: rowCount === 1 };
  }

  async revoke(userId: string, itemId: string) {
    const { rowCount } = await this.#executor.query(this.#sql.revoke, [userId, itemId]);
    return { revoked: rowCount === 1 };
  }

  async dedupe(userId: string, itemId: string) {
    const { rows } = await this.#executor.query<{ removed: number }>(this.#sql.dedupe, [
      userId,
      itemId,
    ]);
    return { removed: Number(rows[0]?.removed ?? 0) };
  }
}
