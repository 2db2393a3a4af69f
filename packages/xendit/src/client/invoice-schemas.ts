import { z } from "zod";
import { openEnum } from "./open-enum.js";

export const INVOICE_STATUSES = ["PENDING", "PAID", "SETTLED", "EXPIRED"] as const;

/** A legacy invoice as `POST /v2/invoices` and `GET /v2/invoices/{id}` return it. */
export const invoiceSchema = z.looseObject({
  id: z.string().min(1),
  external_id: z.string(),
  status: openEnum(INVOICE_STATUSES),
  amount: z.number(),
  invoice_url: z.string().optional(),
  user_id: z.string().optional(),
  merchant_name: z.string().optional(),
  description: z.string().nullish(),
  currency: z.string().optional(),
  expiry_date: z.string().optional(),
  created: z.string().optional(),
  updated: z.string().optional(),
  paid_at: z.string().nullish(),
  paid_amount: z.number().nullish(),
  payment_method: z.string().nullish(),
  payment_channel: z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});
export type Invoice = z.infer<typeof invoiceSchema>;

/** `POST /v2/invoices` body; `external_id` is your order id. Extra fields pass through. */
export const createInvoiceInputSchema = z.looseObject({
  external_id: z.string().min(1).max(1000),
  amount: z.number().finite().positive(),
  payer_email: z.email().optional(),
  description: z.string().max(1000).optional(),
  invoice_duration: z.number().int().positive().optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "ISO 4217 code like IDR")
    .optional(),
  success_redirect_url: z.url().optional(),
  failure_redirect_url: z.url().optional(),
  payment_methods: z.array(z.string().min(1)).optional(),
  items: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        quantity: z.number().int().positive(),
        price: z.number(),
      }),
    )
    .optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type CreateInvoiceInput = z.input<typeof createInvoiceInputSchema>;

export const invoiceIdSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9_-]+$/, "an invoice id");
