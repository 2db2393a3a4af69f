import { z } from "zod";
import { openEnum } from "./open-enum.js";

export const SESSION_STATUSES = ["ACTIVE", "COMPLETED", "EXPIRED", "CANCELED"] as const;

const metadata = z.record(z.string(), z.unknown());

/**
 * A Payment Session as Xendit returns it from `POST /sessions`, `GET /sessions/{id}`,
 * `POST /sessions/{id}/cancel` and inside session webhooks
 * (docs.xendit.co/apidocs/create-session, /get-session). Loose: fields Xendit
 * adds later are kept, not rejected.
 */
export const paymentSessionSchema = z.looseObject({
  payment_session_id: z.string().min(1),
  status: openEnum(SESSION_STATUSES),
  reference_id: z.string(),
  session_type: openEnum(["PAY", "SAVE", "AUTHORIZATION"]).optional(),
  mode: openEnum(["PAYMENT_LINK", "COMPONENTS", "CARDS_SESSION_JS"]).optional(),
  amount: z.number(),
  currency: z.string(),
  country: z.string().optional(),
  created: z.string().optional(),
  updated: z.string().optional(),
  expires_at: z.string().nullish(),
  customer_id: z.string().nullish(),
  business_id: z.string().nullish(),
  locale: z.string().nullish(),
  description: z.string().nullish(),
  success_return_url: z.string().nullish(),
  cancel_return_url: z.string().nullish(),
  payment_link_url: z.string().nullish(),
  payment_request_id: z.string().nullish(),
  payment_token_id: z.string().nullish(),
  payment_id: z.string().nullish(),
  allowed_payment_channels: z.array(z.string()).nullish(),
  items: z.array(z.unknown()).nullish(),
  metadata: metadata.nullish(),
});
export type PaymentSession = z.infer<typeof paymentSessionSchema>;

const customerSchema = z.looseObject({
  reference_id: z.string().min(1),
  type: openEnum(["INDIVIDUAL", "BUSINESS"]),
  email: z.email().optional(),
  mobile_number: z.string().optional(),
  individual_detail: z
    .looseObject({ given_names: z.string().min(1), surname: z.string().optional() })
    .optional(),
});

const itemSchema = z.looseObject({
  reference_id: z.string().min(1),
  name: z.string().min(1),
  net_unit_amount: z.number().finite(),
  quantity: z.number().int().positive(),
  currency: z.string().length(3).optional(),
  type: z.string().optional(),
  category: z.string().optional(),
  description: z.string().optional(),
  url: z.url().optional(),
});

/** The fields of a `POST /sessions` body. Unknown extra fields (channel_properties, origins, ...) pass through to Xendit. */
export const sessionFieldsSchema = z.looseObject({
  reference_id: z.string().min(1).max(255),
  session_type: openEnum(["PAY", "SAVE", "AUTHORIZATION"]).default("PAY"),
  mode: openEnum(["PAYMENT_LINK", "COMPONENTS", "CARDS_SESSION_JS"]).default("PAYMENT_LINK"),
  amount: z.number().finite().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/, "ISO 4217 code like IDR"),
  country: z.string().regex(/^[A-Z]{2}$/, "ISO 3166-1 alpha-2 code like ID"),
  customer: customerSchema.optional(),
  customer_id: z.string().min(1).optional(),
  items: z.array(itemSchema).optional(),
  success_return_url: z.url().optional(),
  cancel_return_url: z.url().optional(),
  expires_at: z.iso.datetime({ offset: true }).optional(),
  metadata: metadata.optional(),
  allowed_payment_channels: z.array(z.string().min(1)).optional(),
  locale: z.string().min(2).optional(),
  description: z.string().max(1000).optional(),
});

/** `POST /sessions` body: one of `customer` or `customer_id`. */
export const createSessionInputSchema = sessionFieldsSchema
  .refine((input) => input.customer !== undefined || input.customer_id !== undefined, {
    message: "give either customer or customer_id",
    path: ["customer"],
  })
  .refine((input) => !(input.customer !== undefined && input.customer_id !== undefined), {
    message: "give customer or customer_id, not both",
    path: ["customer_id"],
  });
export type CreateSessionInput = z.input<typeof createSessionInputSchema>;

export const sessionIdSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9_-]+$/, "a session id");
