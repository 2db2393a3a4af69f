import { parseInput } from "@lunas/core";
import { z } from "zod";

// Fonnte posts form fields as JSON strings; numbers arrive as strings or numbers
// depending on the device's app version, so both are read.
const text = z.union([z.string(), z.number().transform(String)]);

/**
 * What Fonnte's webhook posts for an incoming message. Older devices send the
 * text as `pesan`; fields Fonnte adds later pass through untouched.
 */
export const fonnteWebhookSchema = z.looseObject({
  device: text.optional(),
  sender: text,
  message: text.optional(),
  pesan: text.optional(),
  text: text.optional(),
  member: z.union([text, z.looseObject({})]).nullish(),
  name: text.nullish(),
  inboxid: text.nullish(),
  timestamp: text.nullish(),
  location: text.nullish(),
  url: text.nullish(),
  filename: text.nullish(),
  extension: text.nullish(),
});

export type FonnteWebhookPayload = z.infer<typeof fonnteWebhookSchema>;

/** An incoming WhatsApp message, in the fields the bridge works with. */
export interface FonnteIncomingMessage {
  /** As Fonnte sent it: a phone number, or a group id ending in `@g.us`. */
  sender: string;
  /** The text (`message`, else the legacy `pesan`); empty for a bare attachment. */
  message: string;
  isGroup: boolean;
  /** The member who wrote in a group. */
  member: string | null;
  name: string | null;
  device: string | null;
  /** Fonnte's id of the inbound message (with inbox enabled): the dedupe key and the quote target. */
  inboxId: string | null;
  timestamp: string | null;
  url: string | null;
  filename: string | null;
  extension: string | null;
  location: string | null;
  /** The whole payload, unknown fields included. */
  raw: FonnteWebhookPayload;
}

export type ParsedFonnteWebhook =
  | { kind: "message"; message: FonnteIncomingMessage }
  /** A group message while groups are not enabled: acknowledge and do nothing. */
  | { kind: "ignored"; reason: "group" };

const optionsSchema = z.strictObject({ allowGroups: z.boolean().default(false) });

const orNull = (value: string | null | undefined) =>
  value === undefined || value === null || value === "" ? null : value;

/**
 * Validates a Fonnte webhook body (already JSON-decoded). Throws
 * `INVALID_ARGUMENT` naming the bad field when `sender` or the text is missing
 * or of the wrong type. Group messages (`…@g.us`) are `ignored` unless
 * `allowGroups` is set.
 */
export function parseFonnteWebhook(
  body: unknown,
  options: { allowGroups?: boolean } = {},
): ParsedFonnteWebhook {
  const { allowGroups } = parseInput(optionsSchema, options, "parseFonnteWebhook options");
  return readFonnteWebhook(body, allowGroups);
}

/** `parseFonnteWebhook` for a caller that checked its options once (the bridge, per message). */
export function readFonnteWebhook(body: unknown, allowGroups: boolean): ParsedFonnteWebhook {
  const raw = parseInput(fonnteWebhookSchema, body, "Fonnte webhook payload");
  const isGroup = raw.sender.endsWith("@g.us");
  if (isGroup && !allowGroups) return { kind: "ignored", reason: "group" };
  return {
    kind: "message",
    message: {
      sender: raw.sender,
      message: raw.message ?? raw.pesan ?? raw.text ?? "",
      isGroup,
      member: typeof raw.member === "string" ? orNull(raw.member) : null,
      name: orNull(raw.name),
      device: orNull(raw.device),
      inboxId: orNull(raw.inboxid),
      timestamp: orNull(raw.timestamp),
      url: orNull(raw.url),
      filename: orNull(raw.filename),
      extension: orNull(raw.extension),
      location: orNull(raw.location),
      raw,
    },
  };
}
