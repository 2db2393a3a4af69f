/** What is sent for one purchase. */
export interface VoucherMessage {
  purchaseId: string;
  /** The customer's number, as given to createPurchase. */
  phone: string;
  /** The rendered message (the template's output). */
  text: string;
  vouchers: readonly { username: string; password: string }[];
}

export type DeliveryResult =
  | { status: "sent"; providerMessageId?: string }
  /** The provider answered and refused (invalid number, device disconnected, ...). */
  | { status: "failed"; reason: string };

/**
 * Sends a purchase's codes to the customer. The server plugs in WhatsApp via
 * Fonnte; a thrown error (timeout, network) is logged as `error` and retried.
 */
export interface VoucherDelivery {
  send(message: VoucherMessage, signal: AbortSignal): Promise<DeliveryResult>;
}
