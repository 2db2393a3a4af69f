/**
 * What the example shop sells. A real shop reads this from its database; the
 * prices here are the ones the tests and `pnpm demo` buy at.
 */
export const VOUCHER_PLANS = {
  "1-hari": { profile: "1-hari", price: 5_000, timeLimit: "1d", dataLimit: "2GB", length: 6 },
  "7-hari": { profile: "7-hari", price: 25_000, timeLimit: "7d", dataLimit: "10GB", length: 6 },
} as const;

export type VoucherPlanId = keyof typeof VOUCHER_PLANS;

/** Hotspot user profiles the router must have (the stand-in router is created with them). */
export const VOUCHER_PROFILES = Object.values(VOUCHER_PLANS).map((plan) => plan.profile);

export const COURSES = {
  "course-ts": { title: "TypeScript untuk Pemula", price: 150_000 },
  "course-go": { title: "Go dari Nol", price: 99_000 },
} as const;

export type CourseId = keyof typeof COURSES;

/** A meeting's price by its size, per Rapatin's participant tiers. */
export function meetingPrice(participants: number): number {
  if (participants <= 100) return 50_000;
  if (participants <= 300) return 120_000;
  if (participants <= 500) return 200_000;
  return 350_000;
}
