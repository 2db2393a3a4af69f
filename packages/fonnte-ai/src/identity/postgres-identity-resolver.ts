import { parseInput, qualifiedName, quoteIdentifier, type SqlExecutor } from "@lunas/core";
import { postgresArgumentsSchema } from "../postgres-input.js";
import type { IdentityResolver, ResolvedIdentity, UsersTableOptions } from "./identity-resolver.js";
import { usersTableFields } from "./users-table-input.js";

export interface PostgresIdentityResolverOptions extends UsersTableOptions {
  /** Default `public`. */
  schema?: string;
}

const argumentsSchema = postgresArgumentsSchema(usersTableFields);

/** `IdentityResolver` over the app's users table in PostgreSQL or PGlite. */
export class PostgresIdentityResolver implements IdentityResolver {
  readonly #executor: SqlExecutor;
  readonly #resolveSql: string;
  readonly #linkSql: string;

  constructor(executor: SqlExecutor, options: PostgresIdentityResolverOptions = {}) {
    const { options: o } = parseInput(
      argumentsSchema,
      { executor, options },
      "PostgresIdentityResolver arguments",
    );
    this.#executor = executor;
    const users = qualifiedName(o.schema, o.table);
    const id = quoteIdentifier(o.idColumn);
    const phone = quoteIdentifier(o.phoneColumn);
    const approved = quoteIdentifier(o.approvedColumn);
    this.#resolveSql = `select ${id}::text as user_id, coalesce(${approved}, false) as approved
      from ${users} where ${phone} = $1 limit 2`;
    // One statement: the "is it taken" check and the update see one snapshot
    // and the row lock orders two links of one user. A unique index on the
    // phone column (recommended) closes the race between two users.
    this.#linkSql = `with taken as (
        select 1 from ${users} where ${phone} = $2 and ${id}::text <> $1
      ), updated as (
        update ${users} set ${phone} = $2
        where ${id}::text = $1 and not exists (select 1 from taken)
        returning 1
      )
      select (select count(*) from updated)::int as updated, (select count(*) from taken)::int as taken`;
  }

  async resolve(phone: string): Promise<ResolvedIdentity | null> {
    const { rows } = await this.#executor.query<{ user_id: string; approved: boolean }>(
      this.#resolveSql,
      [phone],
    );
    if (rows.length !== 1) return null;
    const row = rows[0]!;
    return { userId: row.user_id, approved: row.approved === true };
  }

  async linkPhone(userId: string, phone: string): Promise<"linked" | "taken" | "no_user"> {
    try {
      const { rows } = await this.#executor.query<{ updated: number; taken: number }>(
        this.#linkSql,
        [userId, phone],
      );
      const row = rows[0]!;
      if (row.taken > 0) return "taken";
      return row.updated > 0 ? "linked" : "no_user";
    } catch (error) {
      // The unique index caught a concurrent link of the same number.
      if ((error as { code?: string }).code === "23505") return "taken";
      throw error;
    }
  }
}
