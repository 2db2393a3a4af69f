import type { SqlExecutor } from "@lunas/core";
import type { CreateOrderInput, ProductType } from "./order-schemas.js";

export type OrderStatus = "awaiting_payment" | "paid" | "fulfilled" | "expired";

export interface OrderDetails {
  orderId: string;
  productType: ProductType;
  customerPhone: string | null;
  userId: string | null;
  itemId: string | null;
  request: CreateOrderInput;
  status: OrderStatus;
  fulfilment: unknown;
  fulfilmentRuns: number;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  order_id: string;
  product_type: ProductType;
  customer_phone: string | null;
  user_id: string | null;
  item_id: string | null;
  request: CreateOrderInput | string;
  status: OrderStatus;
  fulfilment: unknown;
  fulfilment_runs: number;
  created_at: Date | string;
  updated_at: Date | string;
}

const json = <T>(value: T | string): T =>
  typeof value === "string" ? (JSON.parse(value) as T) : value;
const iso = (value: Date | string) => new Date(value).toISOString();

function toDetails(row: Row): OrderDetails {
  return {
    orderId: row.order_id,
    productType: row.product_type,
    customerPhone: row.customer_phone,
    userId: row.user_id,
    itemId: row.item_id,
    request: json(row.request),
    status: row.status,
    fulfilment: json(row.fulfilment),
    fulfilmentRuns: Number(row.fulfilment_runs),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** The server's `order_details` table: what an order buys and how far its fulfilment got. */
export class OrderDetailsStore {
  constructor(private readonly db: SqlExecutor) {}

  async insert(
    tx: SqlExecutor,
    order: {
      orderId: string;
      input: CreateOrderInput;
      userId: string | null;
      itemId: string | null;
    },
  ): Promise<void> {
    await tx.query(
      `insert into order_details (order_id, product_type, customer_phone, user_id, item_id, request)
       values ($1, $2, $3, $4, $5, $6::jsonb)`,
      [
        order.orderId,
        order.input.product_type,
        order.input.customer_phone ?? null,
        order.userId,
        order.itemId,
        JSON.stringify(order.input),
      ],
    );
  }

  async get(orderId: string, executor: SqlExecutor = this.db): Promise<OrderDetails | null> {
    const { rows } = await executor.query<Row>("select * from order_details where order_id = $1", [
      orderId,
    ]);
    return rows[0] ? toDetails(rows[0]) : null;
  }

  /** `awaiting_payment` → `paid`; the status never moves back. Answers whether it moved. */
  async markPaid(tx: SqlExecutor, orderId: string): Promise<boolean> {
    const { rowCount } = await tx.query(
      `update order_details set status = 'paid', updated_at = now()
       where order_id = $1 and status in ('awaiting_payment', 'expired')`,
      [orderId],
    );
    return rowCount > 0;
  }

  async markExpired(tx: SqlExecutor, orderId: string): Promise<boolean> {
    const { rowCount } = await tx.query(
      `update order_details set status = 'expired', updated_at = now()
       where order_id = $1 and status = 'awaiting_payment'`,
      [orderId],
    );
    return rowCount > 0;
  }

  /** Records the fulfilment once: a second call for a fulfilled order changes nothing. */
  async markFulfilled(orderId: string, fulfilment: unknown): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `update order_details
       set status = 'fulfilled', fulfilment = $2::jsonb, fulfilment_runs = fulfilment_runs + 1,
           updated_at = now()
       where order_id = $1 and status <> 'fulfilled'`,
      [orderId, JSON.stringify(fulfilment)],
    );
    return rowCount > 0;
  }

  /** Notes the latest failure of a paid order's fulfilment without changing its status. */
  async noteFailure(orderId: string, message: string): Promise<void> {
    await this.db.query(
      `update order_details set fulfilment = jsonb_build_object('last_error', $2::text), updated_at = now()
       where order_id = $1 and status = 'paid'`,
      [orderId, message],
    );
  }

  async countByStatus(): Promise<Record<string, Record<OrderStatus, number>>> {
    const { rows } = await this.db.query<{ product_type: string; status: OrderStatus; n: string }>(
      "select product_type, status, count(*)::text as n from order_details group by 1, 2",
    );
    const counts: Record<string, Record<OrderStatus, number>> = {};
    for (const row of rows) {
      counts[row.product_type] ??= { awaiting_payment: 0, paid: 0, fulfilled: 0, expired: 0 };
      (counts[row.product_type] as Record<OrderStatus, number>)[row.status] = Number(row.n);
    }
    return counts;
  }

  async recent(limit: number): Promise<OrderDetails[]> {
    const { rows } = await this.db.query<Row>(
      "select * from order_details order by created_at desc limit $1",
      [limit],
    );
    return rows.map(toDetails);
  }
}
