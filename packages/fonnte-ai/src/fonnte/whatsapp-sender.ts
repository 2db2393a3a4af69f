/** A text message to send over WhatsApp. */
export interface OutgoingMessage {
  /** `62…` digits (or a group id). */
  target: string;
  message: string;
  /** Fonnte's inbox id of the message this one quotes (a reply). */
  inboxid?: string;
}

/**
 * What the bridge and the phone verification need to send a message;
 * `FonnteClient` is the adapter. Rejects when the message was not accepted.
 */
export interface WhatsAppSender {
  send(message: OutgoingMessage): Promise<{ ids: string[] }>;
}
