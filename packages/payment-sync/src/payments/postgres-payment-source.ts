import {
  type Clock,
  parseInput,
  qualifiedName,
  quoteIdentifier,
  type SqlExecutor,
  systemClock,
} from "@lunas/core";
import { clockSchema, sqlExecutorSchema } from "@lunas/core/validation";
import { z } from "zod";
import type { Page, Payment, PaymentSource } from "./payment-source.js";
import { SqlPaymentReader } from "./sql-payment-reader.js";

export interface PostgresPaymentSourceOptions {
  /** Schema holding the table (where `migratePaymentSync` ran). Default `public`. */
  schema?: string;
  /** Default `payment_sync_payments`, as created by migration 0001. */
  table?: string;
  /** Column names, for an app's own payments table. Defaults: the migration's. */
  columns?: Partial<Record<keyof Payment, string>>;
  /**
   * For a table that also holds unpaid rows: only rows whose `column` is one of
   * `values` are successful payments. Default: every row is one.
   */
  paidWhen?: { column: string; values: string[] };
  /** `recorded_at` of new rows. Default the system clock. */
  clock?: Clock;
}

const DEFAULT_COLUMNS: Record<keyof Payment, string> = {
  paymentId: "payment_id",
  userId: "user_id",
  itemId: "item_id",
  amount: "amount",
  paidAt: "paid_at",
  provider: "provider",
};

const argumentsSchema = z.object({
  executor: sqlExecutorSchema,
  // Strict: a misspelt `table` would quietly read the default table.
  options: z.strictObject({
    schema: z.string().default("public"),
    table: z.string().default("payment_sync_payments"),
    columns: z
      .strictObject({
        paymentId: z.string().optional(),
        userId: z.string().optional(),
        itemId: z.string().optional(),
        amount: z.string().optional(),
        paidAt: z.string().optional(),
        provider: z.string().optional(),
      })
      .default({}),
    paidWhen: z.strictObject({ column: z.string(), values: z.array(z.string()).min(1) }).optional(),
    clock: clockSchema.default(systemClock),
  }),
});

/**
 * Payments in a PostgreSQL (or PGlite) table: `payment_sync_payments` from the
 * migration, or an app's own through `table`/`columns`/`paidWhen`.
 */
export class PostgresPaymentSource implements PaymentSource {
  readonly #reader: SqlPaymentReader;
  readonly #executor: SqlExecutor;
  readonly #insertSql: string;
  readonly #clock: Clock;

  constructor(executor: SqlExecutor, options: PostgresPaymentSourceOptions = {}) {
    const { options: opts } = parseInput(
      argumentsSchema,
      { executor, options },
      "PostgresPaymentSource arguments",
    );
    const table = qualifiedName(opts.schema, opts.table);
    const names = { ...DEFAULT_COLUMNS, ...opts.columns };
    const col = Object.fromEntries(
      Object.entries(names).map(([field, name]) => [field, quoteIdentifier(name)]),
    ) as Record<keyof Payment, string>;
    const where = opts.paidWhen
      ? [
          `${quoteIdentifier(opts.paidWhen.column)} in (${opts.paidWhen.values
            .map((value) => `'${value.replaceAll("'", "''")}'`)
            .join(", ")})`,
        ]
      : [];
    this.#executor = executor;
    this.#clock = opts.clock;
    this.#reader = new SqlPaymentReader(executor, { from: table, where, fields: col });
    this.#insertSql = `insert into ${table}
        (${col.paymentId}, ${col.userId}, ${col.itemId}, ${col.amount}, ${col.paidAt}, ${col.provider}, recorded_at)
      values ($1, $2, $3, $4, $5, $6, $7)
      on conflict (${col.paymentId}) do nothing`;
  }

  listPaymentUsers(request: { cursor: string | null; limit: number }): Promise<Page<string>> {
    return this.#reader.listPaymentUsers(request);
  }

  paymentsOf(userIds: readonly string[]): Promise<Payment[]> {
    return this.#reader.paymentsOf(userIds);
  }

  async recordPayment(payment: Payment): Promise<{ recorded: boolean }> {
    const { rowCount } = await this.#executor.query(this.#insertSql, [
      payment.paymentId,
      payment.userId,
      payment.itemId,
      payment.amount,
      payment.paidAt,
      payment.provider,
      new Date(this.#clock.now()).toISOString(),
    ]);
    return { recorded: rowCount === 1 };
  }
}
