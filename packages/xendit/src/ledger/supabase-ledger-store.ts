import { LunasError, parseInput } from "@lunas/core";
import type { PostgrestFilterLike, SupabaseClientLike } from "@lunas/core/supabase";
import { portSchema } from "@lunas/core/validation";
import { z } from "zod";
import { type OrderRow, orderFromRow, type PaymentRow, paymentFromRow } from "./ledger-rows.js";
import type {
  AttachOutcome,
  LedgerCounts,
  LedgerOrder,
  LedgerPayment,
  LedgerStore,
  NewOrder,
  PaymentUpsert,
} from "./ledger-store.js";

export interface SupabaseLedgerStoreOptions {
  /** Default `orders` (migration 0001); columns id, session_id, amount, currency, status, created_at. */
  ordersTable?: string;
  /** Default `payments` (migration 0001). */
  paymentsTable?: string;
  /** RPC functions of migration 0002 (or your own with the same arguments). */
  upsertFunction?: string;
  sessionlessOrdersFunction?: string;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
}

/** A Supabase request failed; `code` stays stable, PostgREST's code is in the message. */
export class SupabaseLedgerStoreError extends LunasError {
  constructor(what: string, detail: { code?: string; message?: string }) {
    super(
      "LEDGER_STORE_FAILED",
      `Supabase ledger store could not ${what}: ${detail.code ?? "no code"} ${detail.message ?? ""}`.trim(),
    );
  }
}

const argumentsSchema = z.object({
  client: portSchema<SupabaseClientLike>("SupabaseClient", ["rpc", "from"]),
  // Strict: a misspelt option would otherwise silently fall back to its default.
  options: z.strictObject({
    ordersTable: z.string().min(1).optional(),
    paymentsTable: z.string().min(1).optional(),
    upsertFunction: z.string().min(1).optional(),
    sessionlessOrdersFunction: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().max(600_000).optional(),
  }),
});

const ORDER_COLUMNS = "id,session_id,amount,currency,status,created_at";
const PAYMENT_COLUMNS =
  "session_id,order_id,status,amount,currency,method,channel,paid_at,metadata_order_id,raw_event,created_at,updated_at";
const PAGE = 1000;
const IN_CHUNK = 100;
const UNIQUE_VIOLATION = "23505";

const nullableText = z.string().nullable();
const orderRowSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  session_id: nullableText,
  amount: z.union([z.number(), z.string()]).nullable(),
  currency: nullableText,
  status: nullableText,
  created_at: nullableText,
});
const paymentRowSchema = z.looseObject({
  session_id: z.string(),
  order_id: nullableText,
  status: z.enum(["expired", "paid", "settled"]),
  amount: z.union([z.number(), z.string()]).nullable(),
  currency: nullableText,
  method: nullableText,
  channel: nullableText,
  paid_at: nullableText,
  metadata_order_id: nullableText,
  raw_event: z.unknown(),
  created_at: z.string(),
  updated_at: z.string(),
});

/**
 * A PostgREST `in.(…)` list, quoted as supabase-js's `in()` quotes it, plus
 * escapes: a value holding `,`, `(`, `)`, `"` or `\` goes in double quotes with
 * `"` and `\` escaped, so it stays one value.
 */
function inList(values: readonly string[]): string {
  const quoted = values.map((v) => (/[,()"\\]/.test(v) ? `"${v.replace(/["\\]/g, "\\$&")}"` : v));
  return `(${quoted.join(",")})`;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/**
 * `LedgerStore` through supabase-js (PostgREST), for runtimes without a
 * database connection (Supabase Edge Functions). Conditional updates are
 * PostgREST filters (`session_id=is.null`), the payment upsert is migration
 * 0002's function, so every write stays one atomic statement. Use a
 * service-role client: the tables have RLS on and no policies.
 */
export class SupabaseLedgerStore implements LedgerStore {
  readonly #client: SupabaseClientLike;
  readonly #orders: string;
  readonly #payments: string;
  readonly #upsertFunction: string;
  readonly #sessionlessFunction: string;
  readonly #timeoutMs: number;

  constructor(client: SupabaseClientLike, options: SupabaseLedgerStoreOptions = {}) {
    parseInput(argumentsSchema, { client, options }, "SupabaseLedgerStore arguments");
    this.#client = client;
    this.#orders = options.ordersTable ?? "orders";
    this.#payments = options.paymentsTable ?? "payments";
    this.#upsertFunction = options.upsertFunction ?? "lunas_xendit_upsert_payment";
    this.#sessionlessFunction =
      options.sessionlessOrdersFunction ?? "lunas_xendit_sessionless_order_ids";
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  #signal(): AbortSignal {
    return AbortSignal.timeout(this.#timeoutMs);
  }

  #parseOrders(what: string, data: unknown): LedgerOrder[] {
    const parsed = z.array(orderRowSchema).safeParse(data ?? []);
    if (!parsed.success) {
      throw new SupabaseLedgerStoreError(what, {
        message: `unexpected row shape in ${this.#orders}`,
      });
    }
    return parsed.data.map((row) => orderFromRow(row as OrderRow));
  }

  #parsePayments(what: string, data: unknown): LedgerPayment[] {
    const parsed = z.array(paymentRowSchema).safeParse(data ?? []);
    if (!parsed.success) {
      throw new SupabaseLedgerStoreError(what, {
        message: `unexpected row shape in ${this.#payments}`,
      });
    }
    return parsed.data.map((row) => paymentFromRow(row as PaymentRow));
  }

  async insertOrder(order: NewOrder, now: number) {
    const { data, error } = await this.#client
      .from(this.#orders)
      .upsert(
        {
          id: order.id,
          amount: order.amount ?? null,
          currency: order.currency ?? null,
          status: order.status ?? "pending",
          created_at: new Date(now).toISOString(),
        },
        { onConflict: "id", ignoreDuplicates: true },
      )
      .select(ORDER_COLUMNS)
      .abortSignal(this.#signal());
    if (error) throw new SupabaseLedgerStoreError("insert an order", error);
    const [inserted] = this.#parseOrders("insert an order", data);
    if (inserted) return { order: inserted, created: true };
    const existing = await this.getOrder(order.id);
    if (!existing) {
      throw new SupabaseLedgerStoreError("insert an order", {
        message: `order ${order.id} vanished right after a conflicting insert`,
      });
    }
    return { order: existing, created: false };
  }

  async getOrder(orderId: string) {
    const { data, error } = await this.#client
      .from(this.#orders)
      .select(ORDER_COLUMNS)
      .filter("id", "eq", orderId)
      .abortSignal(this.#signal());
    // A reference that cannot be an id of this table (text against a bigint key) names no order.
    if (error?.code === "22P02") return null;
    if (error) throw new SupabaseLedgerStoreError("read an order", error);
    return this.#parseOrders("read an order", data)[0] ?? null;
  }

  async findOrderBySession(sessionId: string) {
    const { data, error } = await this.#client
      .from(this.#orders)
      .select(ORDER_COLUMNS)
      .filter("session_id", "eq", sessionId)
      .order("id")
      .limit(1)
      .abortSignal(this.#signal());
    if (error) throw new SupabaseLedgerStoreError("find an order by session", error);
    return this.#parseOrders("find an order by session", data)[0] ?? null;
  }

  async attachSession(orderId: string, sessionId: string): Promise<AttachOutcome> {
    const { data, error } = await this.#client
      .from(this.#orders)
      .update({ session_id: sessionId })
      .filter("id", "eq", orderId)
      .filter("session_id", "is", null)
      .select(ORDER_COLUMNS)
      .abortSignal(this.#signal());
    // A unique violation means another order holds the session; the reads below say which.
    if (error && error.code !== UNIQUE_VIOLATION) {
      throw new SupabaseLedgerStoreError("attach a session", error);
    }
    const [attached] = error ? [] : this.#parseOrders("attach a session", data);
    if (attached) return { status: "attached", order: attached };
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
    const { data, error } = await this.#client
      .from(this.#orders)
      .update({ session_id: next })
      .filter("id", "eq", orderId)
      .filter("session_id", "eq", expected)
      .select("id")
      .abortSignal(this.#signal());
    if (error?.code === UNIQUE_VIOLATION) return false;
    if (error) throw new SupabaseLedgerStoreError("replace a session", error);
    return Array.isArray(data) && data.length > 0;
  }

  async upsertPayment(payment: PaymentUpsert) {
    const { data, error } = await this.#client
      .rpc(this.#upsertFunction, {
        p_table: this.#payments,
        p_session_id: payment.sessionId,
        p_status: payment.status,
        p_amount: payment.amount,
        p_currency: payment.currency,
        p_method: payment.method,
        p_channel: payment.channel,
        p_paid_at: payment.paidAt,
        p_metadata_order_id: payment.metadataOrderId,
        p_raw_event: payment.rawEvent,
        p_now: new Date(payment.now).toISOString(),
      })
      .abortSignal(this.#signal());
    if (error) throw new SupabaseLedgerStoreError("record a payment", error);
    const [stored] = this.#parsePayments("record a payment", [data]);
    return stored as LedgerPayment;
  }

  async getPayment(sessionId: string) {
    const { data, error } = await this.#client
      .from(this.#payments)
      .select(PAYMENT_COLUMNS)
      .filter("session_id", "eq", sessionId)
      .abortSignal(this.#signal());
    if (error) throw new SupabaseLedgerStoreError("read a payment", error);
    return this.#parsePayments("read a payment", data)[0] ?? null;
  }

  async listPaymentsForOrder(orderId: string) {
    const { data, error } = await this.#client
      .from(this.#payments)
      .select(PAYMENT_COLUMNS)
      .filter("order_id", "eq", orderId)
      .order("created_at")
      .order("session_id")
      .abortSignal(this.#signal());
    if (error) throw new SupabaseLedgerStoreError("list an order's payments", error);
    return this.#parsePayments("list an order's payments", data);
  }

  async linkPayment(sessionId: string, orderId: string) {
    const { data, error } = await this.#client
      .from(this.#payments)
      .update({ order_id: orderId })
      .filter("session_id", "eq", sessionId)
      .filter("order_id", "is", null)
      .select("session_id")
      .abortSignal(this.#signal());
    if (error) throw new SupabaseLedgerStoreError("link a payment", error);
    return Array.isArray(data) && data.length > 0;
  }

  async listUnlinkedPayments() {
    const all: LedgerPayment[] = [];
    // PostgREST caps rows per response; page until a short page.
    for (let from = 0; ; from += PAGE) {
      const { data, error } = await this.#client
        .from(this.#payments)
        .select(PAYMENT_COLUMNS)
        .filter("order_id", "is", null)
        .order("created_at")
        .order("session_id")
        .range(from, from + PAGE - 1)
        .abortSignal(this.#signal());
      if (error) throw new SupabaseLedgerStoreError("list unlinked payments", error);
      const page = this.#parsePayments("list unlinked payments", data);
      all.push(...page);
      if (page.length < PAGE) return all;
    }
  }

  async listSessionlessOrdersWithPayments() {
    const { data, error } = await this.#client
      .rpc(this.#sessionlessFunction, { p_orders: this.#orders, p_payments: this.#payments })
      .abortSignal(this.#signal());
    if (error) throw new SupabaseLedgerStoreError("list orders without a session", error);
    const ids = z.array(z.string()).parse(data ?? []);
    const result: { order: LedgerOrder; payments: LedgerPayment[] }[] = [];
    for (const chunk of chunks(ids, IN_CHUNK)) {
      const [orders, payments] = await Promise.all([
        this.#client
          .from(this.#orders)
          .select(ORDER_COLUMNS)
          .filter("id", "in", inList(chunk))
          .order("id")
          .abortSignal(this.#signal()),
        this.#client
          .from(this.#payments)
          .select(PAYMENT_COLUMNS)
          .filter("order_id", "in", inList(chunk))
          .order("created_at")
          .order("session_id")
          .abortSignal(this.#signal()),
      ]);
      if (orders.error) throw new SupabaseLedgerStoreError("read orders", orders.error);
      if (payments.error) throw new SupabaseLedgerStoreError("read payments", payments.error);
      const linked = this.#parsePayments("read payments", payments.data);
      for (const order of this.#parseOrders("read orders", orders.data)) {
        result.push({ order, payments: linked.filter((p) => p.orderId === order.id) });
      }
    }
    return result;
  }

  async counts(): Promise<LedgerCounts> {
    const count = async (
      table: string,
      filter: (query: PostgrestFilterLike) => PostgrestFilterLike,
    ) => {
      const { count: n, error } = await filter(
        this.#client.from(table).select("*", { count: "exact", head: true }),
      ).abortSignal(this.#signal());
      if (error) throw new SupabaseLedgerStoreError("count rows", error);
      return n ?? 0;
    };
    const [orders, withSession, payments, linked, expired, paid, settled] = await Promise.all([
      count(this.#orders, (q) => q),
      count(this.#orders, (q) => q.filter("session_id", "not.is", null)),
      count(this.#payments, (q) => q),
      count(this.#payments, (q) => q.filter("order_id", "not.is", null)),
      count(this.#payments, (q) => q.filter("status", "eq", "expired")),
      count(this.#payments, (q) => q.filter("status", "eq", "paid")),
      count(this.#payments, (q) => q.filter("status", "eq", "settled")),
    ]);
    return {
      orders,
      ordersWithSession: withSession,
      payments,
      linkedPayments: linked,
      unlinkedPayments: payments - linked,
      paymentsByStatus: { expired, paid, settled },
    };
  }
}
