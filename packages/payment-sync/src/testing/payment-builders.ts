import type { UserEntitlements } from "../entitlements/entitlement-store.js";
import type { Payment } from "../payments/payment-source.js";

// Not a round second, so an adapter that drops milliseconds fails.
const PAID_AT = Date.UTC(2026, 4, 17, 8, 30, 15, 123);

/** A successful payment with plausible defaults; override what the test is about. */
export function buildPayment(overrides: Partial<Payment> & { paymentId: string }): Payment {
  return {
    userId: "user-1",
    itemId: "course-1",
    amount: 150_000,
    paidAt: new Date(PAID_AT).toISOString(),
    provider: "midtrans",
    ...overrides,
  };
}

/** A seeded drift of every kind, with what a reconciliation must find in it. */
export interface DriftScenario {
  payments: Payment[];
  users: UserEntitlements[];
  /** What `validate` reports, per drifted user (ordered by user id). */
  expected: {
    userId: string;
    absentFrom: "entitlements" | "payments" | null;
    missing: { itemId: string; paymentIds: string[] }[];
    extra: string[];
    duplicates: { itemId: string; copies: number }[];
  }[];
  /** Users checked over both sides. */
  usersChecked: number;
}

/**
 * The drift the original system grew: buyers without access (missing), access
 * nobody paid for (extra), a course listed twice (duplicate), a buyer with no
 * user record and a record whose grants have no payment at all (absent users),
 * among users whose two sides agree. `cleanUsers` adds that many agreeing
 * users, so pagination is exercised too.
 */
export function driftScenario(cleanUsers = 7): DriftScenario {
  const payments: Payment[] = [
    buildPayment({ paymentId: "pay-missing-1", userId: "u-missing", itemId: "course-a" }),
    buildPayment({ paymentId: "pay-missing-2", userId: "u-missing", itemId: "course-b" }),
    buildPayment({ paymentId: "pay-extra", userId: "u-extra", itemId: "course-a" }),
    buildPayment({ paymentId: "pay-dup", userId: "u-dup", itemId: "course-a" }),
    buildPayment({ paymentId: "pay-absent-1", userId: "u-no-record", itemId: "course-c" }),
    buildPayment({
      paymentId: "pay-absent-2",
      userId: "u-no-record",
      itemId: "course-c",
      amount: 99_000,
    }),
    buildPayment({ paymentId: "pay-all", userId: "u-everything", itemId: "course-a" }),
    buildPayment({ paymentId: "pay-all-2", userId: "u-everything", itemId: "course-b" }),
  ];
  const users: UserEntitlements[] = [
    { userId: "u-missing", items: ["course-b"] },
    { userId: "u-extra", items: ["course-a", "course-free"] },
    { userId: "u-dup", items: ["course-a", "course-a", "course-a"] },
    { userId: "u-no-payment", items: ["course-z"] },
    { userId: "u-registered-only", items: [] },
    { userId: "u-everything", items: ["course-b", "course-x", "course-b"] },
  ];
  for (let i = 0; i < cleanUsers; i++) {
    const userId = `u-clean-${String(i).padStart(3, "0")}`;
    payments.push(buildPayment({ paymentId: `pay-clean-${i}`, userId, itemId: `course-${i % 3}` }));
    users.push({ userId, items: [`course-${i % 3}`] });
  }
  return {
    payments,
    users,
    usersChecked: users.length + 1,
    expected: [
      {
        userId: "u-dup",
        absentFrom: null,
        missing: [],
        extra: [],
        duplicates: [{ itemId: "course-a", copies: 3 }],
      },
      {
        userId: "u-everything",
        absentFrom: null,
        missing: [{ itemId: "course-a", paymentIds: ["pay-all"] }],
        extra: ["course-x"],
        duplicates: [{ itemId: "course-b", copies: 2 }],
      },
      {
        userId: "u-extra",
        absentFrom: null,
        missing: [],
        extra: ["course-free"],
        duplicates: [],
      },
      {
        userId: "u-missing",
        absentFrom: null,
        missing: [{ itemId: "course-a", paymentIds: ["pay-missing-1"] }],
        extra: [],
        duplicates: [],
      },
      {
        userId: "u-no-payment",
        absentFrom: "payments",
        missing: [],
        extra: ["course-z"],
        duplicates: [],
      },
      {
        userId: "u-no-record",
        absentFrom: "entitlements",
        missing: [{ itemId: "course-c", paymentIds: ["pay-absent-1", "pay-absent-2"] }],
        extra: [],
        duplicates: [],
      },
    ],
  };
}
