import { LunasError, parseInput, qualifiedName, type SqlExecutor } from "@lunas/core";
import { sqlExecutorSchema } from "@lunas/core/validation";
import { z } from "zod";
import { type ResolvedVoucherPlan, voucherPlanSchema } from "../codes/voucher-plan.js";
import type {
  DeliveryAttempt,
  Purchase,
  PurchasePage,
  PurchaseStatus,
  StatusChange,
  StoredVoucher,
  VoucherStatistics,
  VoucherStore,
} from "./voucher-store.js";

export interface PostgresVoucherStoreOptions {
  /** Schema `migrateMikrotikVouchers` was applied to. Default `public`. */
  schema?: string;
}

const argumentsSchema = z.object({
  executor: sqlExecutorSchema,
  options: z.strictObject({ schema: z.string().optional() }),
});

/** A row that cannot be read back as a purchase (edited by hand, or by another version). */
export class VoucherStoreError extends LunasError {
  constructor(message: string) {
    super("VOUCHER_STORE_CORRUPT", message);
  }
}

interface PurchaseRow {
  id: string;
  status: PurchaseStatus;
  quantity: number;
  plan: unknown;
  customer_phone: string;
  created_at: unknown;
  updated_at: unknown;
  paid_at: unknown;
  expires_at: unknown;
  last_error: string | null;
  generation_attempts: number;
}

const PURCHASE_COLUMNS =
  "id, status, quantity, plan, customer_phone, created_at, updated_at, paid_at, expires_at, last_error, generation_attempts";

const iso = (ms: number) => new Date(ms).toISOString();

function toMs(value: unknown): number {
  return value instanceof Date ? value.getTime() : Date.parse(String(value));
}

function toPurchase(row: PurchaseRow): Purchase {
  const raw = typeof row.plan === "string" ? JSON.parse(row.plan) : row.plan;
  const plan = voucherPlanSchema.safeParse(raw);
  if (!plan.success) {
    throw new VoucherStoreError(
      `The plan of purchase ${row.id} is unreadable; fix or delete the row`,
    );
  }
  return {
    id: row.id,
    status: row.status,
    quantity: Number(row.quantity),
    plan: plan.data as ResolvedVoucherPlan,
    customerPhone: row.customer_phone,
    createdAt: toMs(row.created_at),
    updatedAt: toMs(row.updated_at),
    paidAt: row.paid_at === null ? null : toMs(row.paid_at),
    expiresAt: row.expires_at === null ? null : toMs(row.expires_at),
    lastError: row.last_error,
    generationAttempts: Number(row.generation_attempts),
  };
}

/**
 * `VoucherStore` on PostgreSQL or PGlite (one SQL for both, through core's
 * `SqlExecutor`). Apply `migrateMikrotikVouchers` to the schema first.
 */
export class PostgresVoucherStore implements VoucherStore {
  readonly #db: SqlExecutor;
  readonly #purchases: string;
  readonly #vouchers: string;
  readonly #deliveries: string;

  constructor(executor: SqlExecutor, options: PostgresVoucherStoreOptions = {}) {
    const parsed = parseInput(
      argumentsSchema,
      { executor, options },
      "PostgresVoucherStore arguments",
    );
    const schema = parsed.options.schema ?? "public";
    this.#db = parsed.executor;
    this.#purchases = qualifiedName(schema, "voucher_purchases");
    this.#vouchers = qualifiedName(schema, "vouchers");
    this.#deliveries = qualifiedName(schema, "voucher_deliveries");
  }

  async insertPurchase(p: Purchase): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      `insert into ${this.#purchases} (${PURCHASE_COLUMNS})
       values ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11)
       on conflict (id) do nothing`,
      [
        p.id,
        p.status,
        p.quantity,
        JSON.stringify(p.plan),
        p.customerPhone,
        iso(p.createdAt),
        iso(p.updatedAt),
        p.paidAt === null ? null : iso(p.paidAt),
        p.expiresAt === null ? null : iso(p.expiresAt),
        p.lastError,
        p.generationAttempts,
      ],
    );
    return rowCount > 0;
  }

  async getPurchase(id: string): Promise<Purchase | null> {
    const { rows } = await this.#db.query<PurchaseRow>(
      `select ${PURCHASE_COLUMNS} from ${this.#purchases} where id = $1`,
      [id],
    );
    return rows[0] ? toPurchase(rows[0]) : null;
  }

  changeStatus(id: string, change: StatusChange): Promise<Purchase | null> {
    return this.#changeStatus(this.#db, id, change);
  }

  async #changeStatus(db: SqlExecutor, id: string, change: StatusChange): Promise<Purchase | null> {
    // $5: whether to replace last_error (absent keeps it; null clears it).
    const { rows } = await db.query<PurchaseRow>(
      `update ${this.#purchases}
          set status = $3, updated_at = $4,
              last_error = case when $5 then $6 else last_error end,
              paid_at = coalesce($7, paid_at),
              generation_attempts = generation_attempts + $8
        where id = $1 and status = any($2::text[])
        returning ${PURCHASE_COLUMNS}`,
      [
        id,
        [...change.from],
        change.to,
        iso(change.at),
        change.lastError !== undefined,
        change.lastError ?? null,
        change.paidAt === undefined ? null : iso(change.paidAt),
        change.addAttempts ?? 0,
      ],
    );
    return rows[0] ? toPurchase(rows[0]) : null;
  }

  completePurchase(
    id: string,
    vouchers: readonly StoredVoucher[],
    change: { from: readonly PurchaseStatus[]; at: number; addAttempts: number },
  ): Promise<Purchase | null> {
    return this.#db.transaction(async (tx) => {
      const updated = await this.#changeStatus(tx, id, {
        from: change.from,
        to: "completed",
        at: change.at,
        lastError: null,
        addAttempts: change.addAttempts,
      });
      if (!updated) return null;
      await tx.query(`delete from ${this.#vouchers} where purchase_id = $1`, [id]);
      // One statement for the whole batch: arrays unnested server-side.
      await tx.query(
        `insert into ${this.#vouchers} (purchase_id, username, password, router_id, created_at)
         select $1, u, p, r, c from unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[]) as t(u, p, r, c)`,
        [
          id,
          vouchers.map((v) => v.username),
          vouchers.map((v) => v.password),
          vouchers.map((v) => v.routerId),
          vouchers.map((v) => iso(v.createdAt)),
        ],
      );
      return updated;
    });
  }

  async listVouchers(purchaseId: string): Promise<StoredVoucher[]> {
    const { rows } = await this.#db.query<{
      purchase_id: string;
      username: string;
      password: string;
      router_id: string;
      created_at: unknown;
    }>(
      `select purchase_id, username, password, router_id, created_at from ${this.#vouchers}
        where purchase_id = $1 order by username collate "C"`,
      [purchaseId],
    );
    return rows.map((row) => ({
      purchaseId: row.purchase_id,
      username: row.username,
      password: row.password,
      routerId: row.router_id,
      createdAt: toMs(row.created_at),
    }));
  }

  async deleteVouchers(purchaseId: string): Promise<number> {
    const { rowCount } = await this.#db.query(
      `delete from ${this.#vouchers} where purchase_id = $1`,
      [purchaseId],
    );
    return rowCount;
  }

  async recordDelivery(a: DeliveryAttempt): Promise<void> {
    await this.#db.query(
      `insert into ${this.#deliveries} (purchase_id, attempt, status, error_message, provider_message_id, created_at)
       values ($1, $2, $3, $4, $5, $6)`,
      [a.purchaseId, a.attempt, a.status, a.errorMessage, a.providerMessageId, iso(a.createdAt)],
    );
  }

  async listDeliveries(purchaseId: string): Promise<DeliveryAttempt[]> {
    const { rows } = await this.#db.query<{
      purchase_id: string;
      attempt: number;
      status: DeliveryAttempt["status"];
      error_message: string | null;
      provider_message_id: string | null;
      created_at: unknown;
    }>(
      `select purchase_id, attempt, status, error_message, provider_message_id, created_at
         from ${this.#deliveries} where purchase_id = $1 order by attempt, id`,
      [purchaseId],
    );
    return rows.map((row) => ({
      purchaseId: row.purchase_id,
      attempt: Number(row.attempt),
      status: row.status,
      errorMessage: row.error_message,
      providerMessageId: row.provider_message_id,
      createdAt: toMs(row.created_at),
    }));
  }

  async listPurchases(query: {
    status?: PurchaseStatus;
    limit: number;
    offset: number;
  }): Promise<PurchasePage> {
    const { rows } = await this.#db.query<PurchaseRow & { total: string | number }>(
      `select ${PURCHASE_COLUMNS}, count(*) over () as total from ${this.#purchases}
        where $1::text is null or status = $1
        order by created_at desc, id collate "C"
        limit $2 offset $3`,
      [query.status ?? null, query.limit, query.offset],
    );
    let total = rows[0] ? Number(rows[0].total) : 0;
    if (rows.length === 0 && query.offset > 0) {
      // Past the last page the window function has no row to report the total on.
      const count = await this.#db.query<{ n: string | number }>(
        `select count(*) as n from ${this.#purchases} where $1::text is null or status = $1`,
        [query.status ?? null],
      );
      total = Number(count.rows[0]?.n ?? 0);
    }
    return { purchases: rows.map(toPurchase), total };
  }

  async listExpiredPending(now: number, limit: number): Promise<Purchase[]> {
    const { rows } = await this.#db.query<PurchaseRow>(
      `select ${PURCHASE_COLUMNS} from ${this.#purchases}
        where status = 'pending' and expires_at < $1
        order by expires_at limit $2`,
      [iso(now), limit],
    );
    return rows.map(toPurchase);
  }

  async statistics(): Promise<VoucherStatistics> {
    const [byStatus, vouchers, attempts, delivered] = await Promise.all([
      this.#db.query<{ status: PurchaseStatus; n: string | number }>(
        `select status, count(*) as n from ${this.#purchases} group by status`,
      ),
      this.#db.query<{ n: string | number }>(`select count(*) as n from ${this.#vouchers}`),
      this.#db.query<{ status: DeliveryAttempt["status"]; n: string | number }>(
        `select status, count(*) as n from ${this.#deliveries} group by status`,
      ),
      this.#db.query<{ n: string | number }>(
        `select count(*) as n from ${this.#purchases} p
          where p.status = 'completed'
            and exists (select 1 from ${this.#deliveries} d where d.purchase_id = p.id and d.status = 'sent')`,
      ),
    ]);
    const purchases: Record<PurchaseStatus, number> = {
      pending: 0,
      completed: 0,
      failed: 0,
      expired: 0,
      voucher_generation_failed: 0,
    };
    for (const row of byStatus.rows) purchases[row.status] = Number(row.n);
    const deliveryAttempts = { sent: 0, failed: 0, error: 0 };
    for (const row of attempts.rows) deliveryAttempts[row.status] = Number(row.n);
    const deliveredCount = Number(delivered.rows[0]?.n ?? 0);
    return {
      purchases,
      totalPurchases: Object.values(purchases).reduce((a, b) => a + b, 0),
      vouchers: Number(vouchers.rows[0]?.n ?? 0),
      deliveryAttempts,
      delivered: deliveredCount,
      undelivered: purchases.completed - deliveredCount,
    };
  }
}
