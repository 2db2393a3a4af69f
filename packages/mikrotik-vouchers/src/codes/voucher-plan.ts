import { z } from "zod";
import { CHARSET_NAMES, type Charset } from "./charsets.js";

/** What every voucher of a purchase looks like and grants. */
export interface VoucherPlan {
  /** The router's hotspot user profile (rate limit, shared users, ...). */
  profile: string;
  /** `vc`: username = password (one code to type). `up`: a separate password. Default `vc`. */
  mode?: "vc" | "up";
  /** Characters of the random part (the prefix not counted). 3–20, default 6. */
  length?: number;
  /** Put in front of every username, e.g. `HS-`. Not counted in `length`. */
  prefix?: string;
  /** Default `mix` (lower-case letters and digits). */
  charset?: Charset;
  /** Uptime limit as RouterOS writes it: `30d`, `12h`, `4w3d`, `1h30m`. */
  timeLimit?: string;
  /** Data limit: `500MB`, `2GB` (binary units, as Mikhmon counts them). */
  dataLimit?: string;
}

export type ResolvedVoucherPlan = Required<Omit<VoucherPlan, "timeLimit" | "dataLimit">> &
  Pick<VoucherPlan, "timeLimit" | "dataLimit">;

const TIME_LIMIT = /^(?=\d)(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?$/;
const DATA_LIMIT = /^([1-9]\d{0,6})(MB|GB)$/;

export const voucherPlanSchema = z.strictObject({
  profile: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[^\s=?]/, "must not start with a space, = or ?"),
  mode: z.enum(["vc", "up"]).default("vc"),
  length: z.number().int().min(3).max(20).default(6),
  prefix: z
    .string()
    .max(16)
    .regex(/^[A-Za-z0-9_.-]*$/, "may hold only letters, digits and _ . -")
    .default(""),
  charset: z.enum(CHARSET_NAMES).default("mix"),
  timeLimit: z
    .string()
    .regex(TIME_LIMIT, "must look like 30d, 12h, 4w3d or 1h30m")
    .refine((value) => /[1-9]/.test(value), "must be longer than zero")
    .optional(),
  dataLimit: z.string().regex(DATA_LIMIT, "must look like 500MB or 2GB").optional(),
});

/** `2GB` → 2147483648. */
export function dataLimitBytes(dataLimit: string): number {
  const [, amount, unit] = DATA_LIMIT.exec(dataLimit)!;
  return Number(amount) * (unit === "GB" ? 1024 ** 3 : 1024 ** 2);
}
