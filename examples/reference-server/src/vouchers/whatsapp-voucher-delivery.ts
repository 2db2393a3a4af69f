import { FonnteApiError, type FonnteClient } from "@lunas/fonnte-ai";
import type { VoucherDelivery } from "@lunas/mikrotik-vouchers";

/**
 * Sends a purchase's codes over WhatsApp (Fonnte). A refusal Fonnte states
 * (invalid number, disconnected device) is `failed`; anything else is thrown,
 * so the voucher service logs it as `error` and retries.
 */
export function whatsappVoucherDelivery(fonnte: FonnteClient): VoucherDelivery {
  return {
    async send(message) {
      try {
        const sent = await fonnte.send({ target: message.phone, message: message.text });
        return { status: "sent", ...(sent.ids[0] ? { providerMessageId: sent.ids[0] } : {}) };
      } catch (error) {
        if (error instanceof FonnteApiError) return { status: "failed", reason: error.message };
        throw error;
      }
    },
  };
}
