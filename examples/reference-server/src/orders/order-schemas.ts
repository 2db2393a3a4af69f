import { z } from "zod";
import { COURSES, type CourseId, VOUCHER_PLANS, type VoucherPlanId } from "./catalogue.js";

export const phoneSchema = z
  .string()
  .regex(/^\+?[0-9]{8,15}$/, "digits with an optional leading +, e.g. 6281234567890");

const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, "1–64 letters, digits, `_`, `.` or `-`");

export const zoomMeetingOrderSchema = z.strictObject({
  product_type: z.literal("zoom_meeting"),
  customer_phone: phoneSchema,
  meeting: z.strictObject({
    topic: z.string().trim().min(3).max(150),
    participants: z.number().int().min(1).max(1000),
    start_date: z.iso.date(),
    start_time: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, "HH:mm"),
    passcode: z
      .string()
      .regex(/^[A-Za-z0-9]{1,10}$/)
      .optional(),
  }),
});

export const hotspotVoucherOrderSchema = z.strictObject({
  product_type: z.literal("hotspot_voucher"),
  customer_phone: phoneSchema,
  plan: z.enum(Object.keys(VOUCHER_PLANS) as [VoucherPlanId, ...VoucherPlanId[]]),
  quantity: z.number().int().min(1).max(50),
});

export const courseOrderSchema = z.strictObject({
  product_type: z.literal("course"),
  user_id: idSchema,
  course_id: z.enum(Object.keys(COURSES) as [CourseId, ...CourseId[]]),
  customer_phone: phoneSchema.optional(),
});

export const createOrderSchema = z.discriminatedUnion("product_type", [
  zoomMeetingOrderSchema,
  hotspotVoucherOrderSchema,
  courseOrderSchema,
]);

export type CreateOrderInput = z.infer<typeof createOrderSchema>;
export type ProductType = CreateOrderInput["product_type"];

/** `POST /voucher/purchase`, the original voucher system's body. */
export const voucherPurchaseSchema = z.strictObject({
  phone: phoneSchema,
  plan: hotspotVoucherOrderSchema.shape.plan,
  quantity: hotspotVoucherOrderSchema.shape.quantity,
});

export const orderIdParamSchema = idSchema;
