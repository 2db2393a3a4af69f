import { LunasError } from "@lunas/core";

/** The order is not in the ledger; create it first (`ledger.createOrder`). */
export class OrderNotFoundError extends LunasError {
  readonly orderId: string;

  constructor(orderId: string) {
    super(
      "ORDER_NOT_FOUND",
      `Order ${JSON.stringify(orderId)} is not in the ledger; create it first`,
    );
    this.orderId = orderId;
  }
}

/** The order already has a different payment session; nothing was changed. */
export class SessionConflictError extends LunasError {
  readonly orderId: string;
  readonly existingSessionId: string;
  readonly sessionId: string;

  constructor(orderId: string, existingSessionId: string, sessionId: string) {
    super(
      "SESSION_CONFLICT",
      `Order ${JSON.stringify(orderId)} already has session ${existingSessionId}; refusing to replace it with ${sessionId}`,
    );
    this.orderId = orderId;
    this.existingSessionId = existingSessionId;
    this.sessionId = sessionId;
  }
}

/** The payment session already belongs to another order; nothing was changed. */
export class SessionInUseError extends LunasError {
  readonly sessionId: string;
  readonly otherOrderId: string;

  constructor(sessionId: string, otherOrderId: string) {
    super(
      "SESSION_IN_USE",
      `Session ${sessionId} already belongs to order ${JSON.stringify(otherOrderId)}`,
    );
    this.sessionId = sessionId;
    this.otherOrderId = otherOrderId;
  }
}

/** `createOrderPayment` needs a Xendit client: pass `client` to `createLedger`. */
export class LedgerClientMissingError extends LunasError {
  constructor() {
    super(
      "XENDIT_CLIENT_REQUIRED",
      "createOrderPayment calls Xendit: pass { client: createXenditClient(...) } to createLedger",
    );
  }
}

/** `createOrderPayment` was asked to charge other than what the stored order says; nothing was sent to Xendit. */
export class OrderAmountMismatchError extends LunasError {
  readonly orderId: string;

  constructor(
    orderId: string,
    stored: { amount: number | null; currency: string | null },
    requested: { amount: number; currency: string },
  ) {
    super(
      "ORDER_AMOUNT_MISMATCH",
      `Order ${JSON.stringify(orderId)} is stored as ${stored.amount ?? "?"} ${stored.currency ?? "?"} but the payment asks for ${requested.amount} ${requested.currency}; charge the stored amount or create a new order`,
    );
    this.orderId = orderId;
  }
}

/** The session kept changing hands while it was being attached; retrying the call is safe. */
export class LedgerContendedError extends LunasError {
  constructor(orderId: string, sessionId: string) {
    super(
      "LEDGER_CONTENDED",
      `Session ${sessionId} kept changing hands while attaching it to order ${orderId}; retry`,
    );
  }
}
