import type { z } from "zod";
import { createOrderSchema, voucherPurchaseSchema } from "../orders/order-schemas.js";
import {
  backfillSchema,
  reconciliationRunSchema,
  whatsappSendSchema,
} from "../routes/admin-routes.js";
import {
  bulkRegenerateSchema,
  deliveryStatusQuerySchema,
  voucherPageQuerySchema,
} from "../routes/voucher-routes.js";

export interface ApiRoute {
  method: "get" | "post";
  /** OpenAPI path, `{param}` style. */
  path: string;
  summary: string;
  tag: string;
  auth: "admin" | "public" | "provider";
  /** The schema the route validates its JSON body with. */
  body?: z.ZodType;
  /** The schema the route validates its query string with. */
  query?: z.ZodObject;
  pathParams?: string[];
}

/**
 * The service's routes with the zod schemas their handlers validate with:
 * `/openapi.json` and the reference page are generated from this list, so the
 * documentation cannot describe a body the route would refuse.
 */
export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: "post",
    path: "/orders",
    summary: "Create an order and its Xendit payment session",
    tag: "Orders",
    auth: "public",
    body: createOrderSchema,
  },
  {
    method: "get",
    path: "/orders/{id}",
    summary: "An order with its payment and fulfilment",
    tag: "Orders",
    auth: "public",
    pathParams: ["id"],
  },
  {
    method: "post",
    path: "/orders/{id}/payment",
    summary: "Open the payment session again after a provider failure",
    tag: "Orders",
    auth: "public",
    pathParams: ["id"],
  },
  {
    method: "post",
    path: "/webhooks/xendit",
    summary: "Xendit payment webhook (x-callback-token)",
    tag: "Webhooks",
    auth: "provider",
  },
  {
    method: "post",
    path: "/webhooks/midtrans",
    summary: "Midtrans notification (signature_key)",
    tag: "Webhooks",
    auth: "provider",
  },
  {
    method: "post",
    path: "/webhooks/fonnte",
    summary: "Fonnte incoming WhatsApp message (?secret=)",
    tag: "Webhooks",
    auth: "provider",
  },
  {
    method: "post",
    path: "/voucher/purchase",
    summary: "Buy hotspot vouchers (the original system's body)",
    tag: "Vouchers",
    auth: "public",
    body: voucherPurchaseSchema,
  },
  {
    method: "get",
    path: "/voucher/api/dashboard",
    summary: "Purchases per status, vouchers, delivery attempts",
    tag: "Vouchers",
    auth: "admin",
  },
  {
    method: "get",
    path: "/voucher/api/payments",
    summary: "Voucher purchases",
    tag: "Vouchers",
    auth: "admin",
    query: voucherPageQuerySchema,
  },
  {
    method: "get",
    path: "/voucher/api/delivery-status",
    summary: "A purchase's delivery log",
    tag: "Vouchers",
    auth: "admin",
    query: deliveryStatusQuerySchema,
  },
  {
    method: "get",
    path: "/voucher/api/failed-vouchers",
    summary: "Purchases whose vouchers could not be created",
    tag: "Vouchers",
    auth: "admin",
    query: voucherPageQuerySchema.omit({ status: true }),
  },
  {
    method: "post",
    path: "/voucher/api/retry-delivery/{purchaseId}",
    summary: "Send a purchase's codes again",
    tag: "Vouchers",
    auth: "admin",
    pathParams: ["purchaseId"],
  },
  {
    method: "post",
    path: "/voucher/api/regenerate-voucher/{purchaseId}",
    summary: "Create a purchase's missing vouchers",
    tag: "Vouchers",
    auth: "admin",
    pathParams: ["purchaseId"],
  },
  {
    method: "post",
    path: "/voucher/api/bulk-regenerate",
    summary: "Regenerate several purchases",
    tag: "Vouchers",
    auth: "admin",
    body: bulkRegenerateSchema,
  },
  {
    method: "post",
    path: "/voucher/api/cleanup-failed/{purchaseId}",
    summary: "Remove a failed purchase's router users",
    tag: "Vouchers",
    auth: "admin",
    pathParams: ["purchaseId"],
  },
  {
    method: "post",
    path: "/voucher/api/cleanup-expired",
    summary: "Expire unpaid purchases past their window",
    tag: "Vouchers",
    auth: "admin",
  },
  {
    method: "get",
    path: "/ledger/orphans",
    summary: "Orphan payments and unlinked orders",
    tag: "Ledger",
    auth: "admin",
  },
  {
    method: "post",
    path: "/ledger/backfill",
    summary: "Link orphans (dry run by default)",
    tag: "Ledger",
    auth: "admin",
    body: backfillSchema,
  },
  {
    method: "post",
    path: "/api/whatsapp/send",
    summary: "Send a WhatsApp message",
    tag: "WhatsApp",
    auth: "admin",
    body: whatsappSendSchema,
  },
  {
    method: "get",
    path: "/reconciliation/report",
    summary: "The last reconciliation report",
    tag: "Reconciliation",
    auth: "admin",
  },
  {
    method: "post",
    path: "/reconciliation/run",
    summary: "Run a reconciliation (the CLI's report schema)",
    tag: "Reconciliation",
    auth: "admin",
    body: reconciliationRunSchema,
  },
  {
    method: "get",
    path: "/api/health",
    summary: "Database, queue and router reachability",
    tag: "Operations",
    auth: "public",
  },
  {
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics",
    tag: "Operations",
    auth: "admin",
  },
];
