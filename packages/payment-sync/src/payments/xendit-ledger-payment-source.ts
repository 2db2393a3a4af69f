import { parseInput, qualifiedName, quoteIdentifier, type SqlExecutor } from "@lunas/core";
import { sqlExecutorSchema } from "@lunas/core/validation";
import { z } from "zod";
import type { Page, Payment, PaymentSource } from "./payment-source.js";
import { SqlPaymentReader } from "./sql-payment-reader.js";

export interface XenditLedgerPaymentSourceOptions {
  /** Schema of the ledger (where `migrateXendit` ran). Default `public`. */
  schema?: string;
  /** The ledger's payments table. Default `payments`. */
  paymentsTable?: string;
  /** The orders table the ledger links payments to (xendit's own or the app's). Default `orders`. */
  ordersTable?: string;
  /**
   * Columns of the orders table. The ledger's own `orders` has no user or item,
   * so an app adds them (or points `ordersTable` at its own orders): who
   * ordered (`userId`, default `user_id`) and what (`itemId`, default `item_id`).
   */
  orderColumns?: { id?: string; userId?: string; itemId?: string };
}

const argumentsSchema = z.object({
  executor: sqlExecutorSchema,
  options: z.strictObject({
    schema: z.string().default("public"),
    paymentsTable: z.string().default("payments"),
    ordersTable: z.string().default("orders"),
    orderColumns: z
      .strictObject({
        id: z.string().default("id"),
        userId: z.string().default("user_id"),
        itemId: z.string().default("item_id"),
      })
      .default({ id: "id", userId: "user_id", itemId: "item_id" }),
  }),
});

/**
 * `@lunas/xendit`'s order ↔ payment ledger read as a payment source, through
 * SQL on its tables (this package does not import `@lunas/xendit`): a payment
 * counts once the ledger says `paid` or `settled` and it is linked to an order,
 * which says who bought what. Read-only: the ledger records its own payments.
 */
export class XenditLedgerPaymentSource implements PaymentSource {
  readonly #reader: SqlPaymentReader;

  constructor(executor: SqlExecutor, options: XenditLedgerPaymentSourceOptions = {}) {
    const { options: opts } = parseInput(
      argumentsSchema,
      { executor, options },
      "XenditLedgerPaymentSource arguments",
    );
    const payments = qualifiedName(opts.schema, opts.paymentsTable);
    const orders = qualifiedName(opts.schema, opts.ordersTable);
    const order = {
      id: quoteIdentifier(opts.orderColumns.id),
      userId: quoteIdentifier(opts.orderColumns.userId),
      itemId: quoteIdentifier(opts.orderColumns.itemId),
    };
    this.#reader = new SqlPaymentReader(executor, {
      from: `${payments} p join ${orders} o on o.${order.id}::text = p.order_id`,
      where: ["p.status in ('paid', 'settled')"],
      fields: {
        paymentId: "p.session_id",
        userId: `o.${order.userId}`,
        itemId: `o.${order.itemId}`,
        amount: "coalesce(p.amount, 0)",
        // A legacy invoice may carry no paid_at; when the ledger saw it paid is the next best.
        paidAt: "coalesce(p.paid_at, p.updated_at)",
        provider: "'xendit'",
      },
    });
  }

  listPaymentUsers(request: { cursor: string | null; limit: number }): Promise<Page<string>> {
    return this.#reader.listPaymentUsers(request);
  }

  paymentsOf(userIds: readonly string[]): Promise<Payment[]> {
    return this.#reader.paymentsOf(userIds);
  }
}
