import { LunasError } from "@lunas/core";
import type { PurchaseStatus } from "./voucher-store.js";

export class PurchaseNotFoundError extends LunasError {
  constructor(purchaseId: string) {
    super(
      "PURCHASE_NOT_FOUND",
      `No purchase ${JSON.stringify(purchaseId)}: create it with createPurchase first.`,
    );
  }
}

/** The id exists with another quantity, plan or phone number. */
export class PurchaseConflictError extends LunasError {
  constructor(purchaseId: string) {
    super(
      "PURCHASE_CONFLICT",
      `Purchase ${JSON.stringify(purchaseId)} already exists with other details; use a new id for a new purchase.`,
    );
  }
}

/** The operation does not apply to a purchase in this status. */
export class PurchaseStatusError extends LunasError {
  readonly status: PurchaseStatus;

  constructor(purchaseId: string, status: PurchaseStatus, operation: string) {
    super(
      "PURCHASE_STATUS_CONFLICT",
      `Cannot ${operation} purchase ${JSON.stringify(purchaseId)}: it is ${status}.`,
    );
    this.status = status;
  }
}

/** The router count after creating did not match (users removed or added meanwhile); a retry reads again. */
export class VoucherCountMismatchError extends LunasError {
  constructor(purchaseId: string, expected: number, found: number) {
    super(
      "VOUCHER_COUNT_MISMATCH",
      `Purchase ${purchaseId} should have ${expected} hotspot users on the router but ${found} were read back.`,
    );
  }
}
