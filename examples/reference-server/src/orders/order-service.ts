import type { SqlExecutor } from "@lunas/core";
import type { VoucherService } from "@lunas/mikrotik-vouchers";
import { createLedger, type Ledger, type LedgerPayment } from "@lunas/xendit";
import { PostgresLedgerStore } from "@lunas/xendit/postgres";
import { ApiError } from "../http/api-error.js";
import { COURSES, meetingPrice, VOUCHER_PLANS } from "./catalogue.js";
import type { CreateOrderInput } from "./order-schemas.js";
import type { OrderDetails, OrderDetailsStore } from "./order-store.js";

export interface CreatedOrder {
  order_id: string;
  product_type: CreateOrderInput["product_type"];
  amount: number;
  currency: "IDR";
  session_id: string;
  payment_link_url: string | null;
}

function priceOf(input: CreateOrderInput): number {
  switch (input.product_type) {
    case "zoom_meeting":
      return meetingPrice(input.meeting.participants);
    case "hotspot_voucher":
      return VOUCHER_PLANS[input.plan].price * input.quantity;
    case "course":
      return COURSES[input.course_id].price;
  }
}

function newOrderId(): string {
  return `ord_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
}

export interface OrderServiceOptions {
  executor: SqlExecutor;
  ledger: Ledger;
  orders: OrderDetailsStore;
  vouchers: VoucherService;
  publicUrl: () => string;
}

/** Orders: the ledger row, its details and the Xendit payment session, in that order. */
export function createOrderService(options: OrderServiceOptions) {
  const { executor, ledger, orders, vouchers } = options;

  async function openPaymentSession(orderId: string, amount: number, customerId: string) {
    try {
      const { session } = await ledger.createOrderPayment(
        { id: orderId, amount, currency: "IDR" },
        {
          country: "ID",
          customer_id: customerId,
          success_return_url: `${options.publicUrl()}/orders/${orderId}`,
          metadata: { order_id: orderId },
        },
      );
      return session;
    } catch (error) {
      throw new ApiError(
        502,
        "PAYMENT_PROVIDER_FAILED",
        `The order ${orderId} was created but Xendit did not open its payment session (${(error as Error).message}); retry with POST /orders/${orderId}/payment`,
      );
    }
  }

  return {
    async create(input: CreateOrderInput): Promise<CreatedOrder> {
      const orderId = newOrderId();
      const amount = priceOf(input);
      if (input.product_type === "hotspot_voucher") {
        const plan = VOUCHER_PLANS[input.plan];
        // Checks the profile on the router before anything is sold; an unpaid
        // purchase is expired by the session's expiry (or cleanup-expired).
        await vouchers.createPurchase({
          id: orderId,
          quantity: input.quantity,
          customerPhone: input.customer_phone,
          plan: {
            profile: plan.profile,
            length: plan.length,
            charset: "mix",
            timeLimit: plan.timeLimit,
            dataLimit: plan.dataLimit,
          },
        });
      }
      const userId = input.product_type === "course" ? input.user_id : null;
      const itemId = input.product_type === "course" ? input.course_id : null;
      await executor.transaction(async (tx) => {
        await createLedger({ store: new PostgresLedgerStore(tx) }).createOrder({
          id: orderId,
          amount,
          currency: "IDR",
          status: "pending",
        });
        await orders.insert(tx, { orderId, input, userId, itemId });
      });
      const customer = userId ?? input.customer_phone ?? orderId;
      const session = await openPaymentSession(orderId, amount, `cust-${customer}`);
      return {
        order_id: orderId,
        product_type: input.product_type,
        amount,
        currency: "IDR",
        session_id: session.payment_session_id,
        payment_link_url: session.payment_link_url ?? null,
      };
    },

    /** Opens (or returns the open) payment session of an existing order. */
    async retryPayment(orderId: string) {
      const order = await ledger.getOrder(orderId);
      const details = await orders.get(orderId);
      if (!order || !details) throw new ApiError(404, "ORDER_NOT_FOUND", `No order ${orderId}`);
      const customer = details.userId ?? details.customerPhone ?? orderId;
      const session = await openPaymentSession(orderId, Number(order.amount), `cust-${customer}`);
      return {
        order_id: orderId,
        session_id: session.payment_session_id,
        payment_link_url: session.payment_link_url ?? null,
      };
    },

    async get(orderId: string) {
      const [order, details] = await Promise.all([ledger.getOrder(orderId), orders.get(orderId)]);
      if (!order || !details) throw new ApiError(404, "ORDER_NOT_FOUND", `No order ${orderId}`);
      const payment = await ledger.findPaymentForOrder(orderId);
      const voucher =
        details.productType === "hotspot_voucher" ? await voucherState(vouchers, orderId) : null;
      return present(order, details, payment, voucher);
    },
  };
}

async function voucherState(vouchers: VoucherService, orderId: string) {
  const [{ purchase, vouchers: codes }, delivery] = await Promise.all([
    vouchers.getPurchase(orderId),
    vouchers.deliveryStatus(orderId),
  ]);
  return {
    purchase_status: purchase.status,
    quantity: purchase.quantity,
    vouchers_created: codes.length,
    delivered: delivery.delivered,
    delivery_attempts: delivery.attempts.length,
  };
}

function present(
  order: { id: string; sessionId: string | null; amount: number | null; currency: string | null },
  details: OrderDetails,
  payment: LedgerPayment | null,
  voucher: unknown,
) {
  return {
    order_id: order.id,
    product_type: details.productType,
    status: details.status,
    amount: order.amount === null ? null : Number(order.amount),
    currency: order.currency,
    session_id: order.sessionId,
    request: details.request,
    payment: payment && {
      session_id: payment.sessionId,
      status: payment.status,
      amount: payment.amount === null ? null : Number(payment.amount),
      paid_at: payment.paidAt,
    },
    fulfilment: details.fulfilment,
    fulfilment_runs: details.fulfilmentRuns,
    ...(voucher ? { voucher } : {}),
    created_at: details.createdAt,
    updated_at: details.updatedAt,
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
