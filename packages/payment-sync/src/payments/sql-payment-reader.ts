import type { SqlExecutor } from "@lunas/core";
import type { Page, Payment } from "./payment-source.js";

/** Where a SQL payment source reads from: a FROM clause and an SQL expression per field. */
export interface PaymentRelation {
  /** `"s"."payments" p join "s"."orders" o on …` */
  from: string;
  /** Conditions that make a row a successful payment (`p.status in (…)`); may be empty. */
  where: string[];
  fields: Record<keyof Payment, string>;
}

/**
 * The read half shared by the PostgreSQL sources: paying users in keyset pages
 * (an index range scan, never an OFFSET), payments per batch of users.
 */
export class SqlPaymentReader {
  readonly #executor: SqlExecutor;
  readonly #usersSql: [string, string];
  readonly #paymentsSql: string;

  constructor(executor: SqlExecutor, relation: PaymentRelation) {
    this.#executor = executor;
    const { from, where, fields } = relation;
    const filter = (extra: string[]) => {
      const all = [...where, ...extra];
      return all.length > 0 ? `where ${all.join(" and ")}` : "";
    };
    const user = fields.userId;
    this.#usersSql = [
      `select distinct ${user} as user_id from ${from} ${filter([])} order by 1 limit $1`,
      `select distinct ${user} as user_id from ${from} ${filter([`${user} > $2`])} order by 1 limit $1`,
    ];
    // Milliseconds and UTC spelt out so every driver and time zone reads the same string.
    // Columns named as `Payment`'s fields, so a row is returned as it is parsed.
    this.#paymentsSql = `select ${fields.paymentId}::text as "paymentId", ${user}::text as "userId",
        ${fields.itemId}::text as "itemId", ${fields.amount}::float8 as amount,
        to_char(${fields.paidAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "paidAt",
        ${fields.provider}::text as provider
      from ${from} ${filter([`${user}::text = any($1::text[])`])}`;
  }

  async listPaymentUsers(request: { cursor: string | null; limit: number }): Promise<Page<string>> {
    const { rows } =
      request.cursor === null
        ? await this.#executor.query<{ user_id: string }>(this.#usersSql[0], [request.limit])
        : await this.#executor.query<{ user_id: string }>(this.#usersSql[1], [
            request.limit,
            request.cursor,
          ]);
    const items = rows.map((row) => String(row.user_id));
    return { items, cursor: items.length < request.limit ? null : (items.at(-1) ?? null) };
  }

  async paymentsOf(userIds: readonly string[]): Promise<Payment[]> {
    if (userIds.length === 0) return [];
    const { rows } = await this.#executor.query<Payment>(this.#paymentsSql, [userIds]);
    // Drivers parse float8 to a number; one configured otherwise hands back text.
    for (const row of rows) {
      if (typeof row.amount !== "number") row.amount = Number(row.amount);
    }
    return rows;
  }
}
