import { parseInput, qualifiedName, quoteIdentifier, type SqlExecutor } from "@lunas/core";
import { sqlExecutorSchema } from "@lunas/core/validation";
import { z } from "zod";
import {
  type OrderRow,
  type PaymentRow,
  orderFromRow as toOrder,
  paymentFromRow as toPayment,
} from "./ledger-rows.js";
import type {
  AttachOutcome,
  LedgerCounts,
  LedgerStore,
  NewOrder,
  PaymentUpsert,
} from "./ledger-store.js";

/** Column names of an orders table; `null` for a column the app's table does not have. */
export interface OrderColumns {
  id?: string;
  sessionId?: string;
  amount?: string | null;
  currency?: string | null;
  status?: string | null;
  createdAt?: string | null;
}

export interface PostgresLedgerStoreOptions {
  /** Schema holding the tables (where `migrateXendit` ran). Default `public`. */
  schema?: string;
  /** Default `orders`. Point it at your own orders table (it needs a text-comparable id and a `session_id`-like column). */
  ordersTable?: string;
  /** Column names in the orders table; defaults match migration 0001. */
  orderColumns?: OrderColumns;
  /** Default `payments`, as created by migration 0001. */
  paymentsTable?: string;
}

// Strict: a misspelt option would otherwise silently fall back to the default table or column.
const name = z.string().min(1);
const optionsSchema = z.strictObject({
  schema: name.optional(),
  ordersTable: name.optional(),
  orderColumns: z
    .strictObject({
      id: name.optional(),
      sessionId: name.optional(),
      amount: name.nullable().optional(),
      currency: name.nullable().optional(),
      status: name.nullable().optional(),
      createdAt: name.nullable().optional(),
    })
    .optional(),
  paymentsTable: name.optional(),
});

const UNIQUE_VIOLATION = "23505";
// A text that the orders table's id type cannot hold (a session id against a bigint key).
const INVALID_TEXT_REPRESENTATION = "22P02";

function hasCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}

function isUniqueViolation(error: unknown): boolean {
  return hasCode(error, UNIQUE_VIOLATION);
}

const PAYMENT_COLUMNS =
  "session_id, order_id, status, amount::float8 as amount, currency, method, channel, paid_at, metadata_order_id, raw_event::text as raw_event, created_at, updated_at";

/**
 * `LedgerStore` over PostgreSQL (Supabase's database too) or PGlite, through a
 * `SqlExecutor`; one SQL dialect for both. Run `migrateXendit` first. Every
 * write is one conditional statement, so concurrent webhooks and API calls
 * cannot overwrite each other.
 */
export class PostgresLedgerStore implements LedgerStore {
  readonly #db: SqlExecutor;
  readonly #orders: string;
  readonly #payments: string;
  readonly #paymentsName: string;
  readonly #upsertFunction: string;
  readonly #col: { id: string; sessionId: string };
  readonly #orderSelect: string;
  readonly #insertable: { column: string; pick: (order: NewOrder, now: number) => unknown }[];

  constructor(executor: SqlExecutor, options: PostgresLedgerStoreOptions = {}) {
    parseInput(sqlExecutorSchema, executor, "PostgresLedgerStore executor");
    parseInput(optionsSchema, options, "PostgresLedgerStore options");
    const schema = options.schema ?? "public";
    this.#db = executor;
    this.#orders = qualifiedName(schema, options.ordersTable ?? "orders");
    this.#paymentsName = options.paymentsTable ?? "payments";
    this.#payments = qualifiedName(schema, this.#paymentsName);
    this.#upsertFunction = qualifiedName(schema, "lunas_xendit_upsert_payment");
    const names = {
      id: "id",
      sessionId: "session_id",
      amount: "amount",
      currency: "currency",
      status: "status",
      createdAt: "created_at",
      ...options.orderColumns,
    };
    const optional = (name: string | null, cast: string, alias: string) =>
      name === null ? `null::${cast} as ${alias}` : `${quoteIdentifier(name)}::${cast} as ${alias}`;
    this.#col = { id: quoteIdentifier(names.id), sessionId: quoteIdentifier(names.sessionId) };
    this.#orderSelect = [
      `${this.#col.id}::text as id`,
      `${this.#col.sessionId}::text as session_id`,
      optional(names.amount, "float8", "amount"),
      optional(names.currency, "text", "currency"),
      optional(names.status, "text", "status"),
      optional(names.createdAt, "timestamptz", "created_at"),
    ].join(", ");
    const insertable: { column: string; pick: (order: NewOrder, now: number) => unknown }[] = [
      { column: this.#col.id, pick: (order) => order.id },
    ];
    if (names.amount !== null) {
      insertable.push({ column: quoteIdentifier(names.amount), pick: (o) => o.amount ?? null });
    }
    if (names.currency !== null) {
      insertable.push({ column: quoteIdentifier(names.currency), pick: (o) => o.currency ?? null });
    }
    if (names.status !== null) {
      insertable.push({
        column: quoteIdentifier(names.status),
        pick: (o) => o.status ?? "pending",
      });
    }
    if (names.createdAt !== null) {
      insertable.push({
        column: quoteIdentifier(names.createdAt),
        pick: (_o, now) => new Date(now).toISOString(),
      });
    }
    this.#insertable = insertable;
  }

  async insertOrder(order: NewOrder, now: number) {
    const columns = this.#insertable.map((entry) => entry.column).join(", ");
    const placeholders = this.#insertable.map((_, i) => `$${i + 1}`).join(", ");
    const inserted = await this.#db.query<OrderRow>(
      `insert into ${this.#orders} (${columns}) values (${placeholders})
       on conflict (${this.#col.id}) do nothing
       returning ${this.#orderSelect}`,
      this.#insertable.map((entry) => entry.pick(order, now)),
    );
    const row = inserted.rows[0];
    if (row) return { order: toOrder(row), created: true };
    const existing = await this.getOrder(order.id);
    if (!existing) throw new Error(`Order ${order.id} vanished right after a conflicting insert`);
    return { order: existing, created: false };
  }

  async getOrder(orderId: string) {
    try {
      const { rows } = await this.#db.query<OrderRow>(
        `select ${this.#orderSelect} from ${this.#orders} where ${this.#col.id} = $1`,
        [orderId],
      );
      return rows[0] ? toOrder(rows[0]) : null;
    } catch (error) {
      // The ledger asks with references from events (reference_id, external_id); one that
      // cannot be an id of this table (not a number for a bigint key) names no order.
      if (hasCode(error, INVALID_TEXT_REPRESENTATION)) return null;
      throw error;
    }
  }

  async findOrderBySession(sessionId: string) {
    const { rows } = await this.#db.query<OrderRow>(
      `select ${this.#orderSelect} from ${this.#orders} where ${this.#col.sessionId} = $1
       order by ${this.#col.id} limit 1`,
      [sessionId],
    );
    return rows[0] ? toOrder(rows[0]) : null;
  }

  async attachSession(orderId: string, sessionId: string): Promise<AttachOutcome> {
    const { id, sessionId: sid } = this.#col;
    try {
      const { rows } = await this.#db.query<OrderRow>(
        `update ${this.#orders} set ${sid} = $2
         where ${id} = $1 and ${sid} is null
           and not exists (select 1 from ${this.#orders} other where other.${sid} = $2)
         returning ${this.#orderSelect}`,
        [orderId, sessionId],
      );
      if (rows[0]) return { status: "attached", order: toOrder(rows[0]) };
    } catch (error) {
      // The unique index saw another order take this session in the same instant.
      if (!isUniqueViolation(error)) throw error;
    }
    const order = await this.getOrder(orderId);
    if (!order) return { status: "order_not_found" };
    if (order.sessionId === sessionId) return { status: "already_attached_same", order };
    if (order.sessionId !== null) return { status: "conflict", order };
    const holder = await this.findOrderBySession(sessionId);
    if (holder) return { status: "session_taken", otherOrderId: holder.id };
    // Released between our update and this read: the ledger tries again.
    return { status: "contended" };
  }

  async replaceSession(orderId: string, expected: string, next: string) {
    const { id, sessionId: sid } = this.#col;
    try {
      const result = await this.#db.query(
        `update ${this.#orders} set ${sid} = $3
         where ${id} = $1 and ${sid} = $2
           and not exists (select 1 from ${this.#orders} other where other.${sid} = $3)`,
        [orderId, expected, next],
      );
      return result.rowCount > 0;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async upsertPayment(payment: PaymentUpsert) {
    // The merge rules live once, in migration 0002's function, shared with the Supabase adapter.
    const { rows } = await this.#db.query<{ row: string }>(
      `select ${this.#upsertFunction}($1, $2, $3, $4, $5, $6, $7, $8::timestamptz, $9, $10::jsonb, $11::timestamptz)::text as row`,
      [
        this.#paymentsName,
        payment.sessionId,
        payment.status,
        payment.amount,
        payment.currency,
        payment.method,
        payment.channel,
        payment.paidAt,
        payment.metadataOrderId,
        JSON.stringify(payment.rawEvent),
        new Date(payment.now).toISOString(),
      ],
    );
    return toPayment(JSON.parse((rows[0] as { row: string }).row) as PaymentRow);
  }

  async getPayment(sessionId: string) {
    const { rows } = await this.#db.query<PaymentRow>(
      `select ${PAYMENT_COLUMNS} from ${this.#payments} where session_id = $1`,
      [sessionId],
    );
    return rows[0] ? toPayment(rows[0]) : null;
  }

  async listPaymentsForOrder(orderId: string) {
    const { rows } = await this.#db.query<PaymentRow>(
      `select ${PAYMENT_COLUMNS} from ${this.#payments} where order_id = $1
       order by created_at, session_id`,
      [orderId],
    );
    return rows.map(toPayment);
  }

  async linkPayment(sessionId: string, orderId: string) {
    const result = await this.#db.query(
      `update ${this.#payments} set order_id = $2 where session_id = $1 and order_id is null`,
      [sessionId, orderId],
    );
    return result.rowCount > 0;
  }

  async listUnlinkedPayments() {
    const { rows } = await this.#db.query<PaymentRow>(
      `select ${PAYMENT_COLUMNS} from ${this.#payments} where order_id is null
       order by created_at, session_id`,
    );
    return rows.map(toPayment);
  }

  async listSessionlessOrdersWithPayments() {
    const { id, sessionId: sid } = this.#col;
    const orders = await this.#db.query<OrderRow>(
      `select ${this.#orderSelect} from ${this.#orders} o
       where o.${sid} is null
         and exists (select 1 from ${this.#payments} p where p.order_id = o.${id}::text)
       order by 1`,
    );
    if (orders.rows.length === 0) return [];
    const payments = await this.#db.query<PaymentRow>(
      `select ${PAYMENT_COLUMNS} from ${this.#payments} where order_id = any($1::text[])
       order by created_at, session_id`,
      [orders.rows.map((row) => row.id)],
    );
    const all = payments.rows.map(toPayment);
    return orders.rows.map((row) => ({
      order: toOrder(row),
      payments: all.filter((payment) => payment.orderId === row.id),
    }));
  }

  async counts(): Promise<LedgerCounts> {
    const { rows } = await this.#db.query<Record<string, number | string>>(
      `select
         (select count(*) from ${this.#orders}) as orders,
         (select count(*) from ${this.#orders} where ${this.#col.sessionId} is not null) as orders_with_session,
         (select count(*) from ${this.#payments}) as payments,
         (select count(*) from ${this.#payments} where order_id is not null) as linked,
         (select count(*) from ${this.#payments} where status = 'expired') as expired,
         (select count(*) from ${this.#payments} where status = 'paid') as paid,
         (select count(*) from ${this.#payments} where status = 'settled') as settled`,
    );
    const row = rows[0] ?? {};
    const n = (key: string) => Number(row[key] ?? 0);
    return {
      orders: n("orders"),
      ordersWithSession: n("orders_with_session"),
      payments: n("payments"),
      linkedPayments: n("linked"),
      unlinkedPayments: n("payments") - n("linked"),
      paymentsByStatus: { expired: n("expired"), paid: n("paid"), settled: n("settled") },
    };
  }
}
