import { parseInput } from "@lunas/core";
import { z } from "zod";
import { RapatinError } from "../client/rapatin-errors.js";

/** One Rapatin plan: the most participants it admits and its `product_id`. */
export interface ProductTier {
  maxParticipants: number;
  productId: number;
}

/** Rapatin's plans by size: 100 → 1, 300 → 2, 500 → 3, 1000 → 4. Replace it when the plans change. */
export const DEFAULT_PRODUCT_TABLE: readonly ProductTier[] = Object.freeze([
  Object.freeze({ maxParticipants: 100, productId: 1 }),
  Object.freeze({ maxParticipants: 300, productId: 2 }),
  Object.freeze({ maxParticipants: 500, productId: 3 }),
  Object.freeze({ maxParticipants: 1000, productId: 4 }),
]);

/** More participants than the largest plan in the table admits. */
export class NoProductForParticipantsError extends RapatinError {
  readonly participants: number;
  readonly largest: number;

  constructor(participants: number, largest: number) {
    super(
      "RAPATIN_NO_PRODUCT",
      `No Rapatin plan admits ${participants} participants (the largest admits ${largest}); add a larger tier to the product table`,
    );
    this.participants = participants;
    this.largest = largest;
  }
}

const tierSchema = z.strictObject({
  maxParticipants: z.number().int().positive(),
  productId: z.number().int().positive(),
});

export const productTableSchema = z
  .array(tierSchema)
  .min(1)
  .superRefine((tiers, ctx) => {
    const sizes = new Set<number>();
    const ids = new Set<number>();
    tiers.forEach((tier, index) => {
      if (sizes.has(tier.maxParticipants)) {
        ctx.addIssue({
          code: "custom",
          path: [index, "maxParticipants"],
          message: "appears twice",
        });
      }
      if (ids.has(tier.productId)) {
        ctx.addIssue({ code: "custom", path: [index, "productId"], message: "appears twice" });
      }
      sizes.add(tier.maxParticipants);
      ids.add(tier.productId);
    });
  });

/** Checks a product table (non-empty, positive integers, no duplicate size or id) and sorts it by size. */
export function checkProductTable(table: readonly ProductTier[]): ProductTier[] {
  const tiers = parseInput(productTableSchema, table, "product table");
  return [...tiers].sort((a, b) => a.maxParticipants - b.maxParticipants);
}

/** The `product_id` of the smallest plan that admits `participants`. */
export function resolveProductId(
  participants: number,
  table: readonly ProductTier[] = DEFAULT_PRODUCT_TABLE,
): number {
  const count = parseInput(z.number().int().positive(), participants, "participant count");
  const tiers = checkProductTable(table);
  const tier = tiers.find((t) => t.maxParticipants >= count);
  if (!tier) {
    throw new NoProductForParticipantsError(count, tiers[tiers.length - 1]?.maxParticipants ?? 0);
  }
  return tier.productId;
}
