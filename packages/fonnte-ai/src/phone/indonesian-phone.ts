import { LunasError } from "@lunas/core";
import { parsePhoneNumberFromString } from "libphonenumber-js/mobile";

/** A phone number that is not an Indonesian mobile number. */
export class InvalidPhoneNumberError extends LunasError {
  constructor() {
    // The number itself stays out of the message: it is personal data.
    super(
      "INVALID_PHONE_NUMBER",
      "Not an Indonesian mobile number: give it as 0812…, +62 812… or 62812…",
    );
  }
}

// Separators people type or paste: spaces (also non-breaking), dashes, dots, brackets.
const SEPARATORS = /[\s\u00a0().-]/g;

/**
 * An Indonesian mobile number as WhatsApp and Fonnte spell it: `62` and the
 * national number, digits only. Accepts `0812…`, `+62 812…`, `62812…` and
 * `812…`, with spaces, dashes, dots or brackets. The numbering rules (which
 * prefixes are mobile, how long each is) come from libphonenumber's metadata,
 * so fixed lines, short codes and other countries are refused.
 * Returns `null` for anything else.
 */
export function toIndonesianMobile(input: string): string | null {
  if (typeof input !== "string" || input.length > 40) return null;
  // The same few thousand senders write again and again; parsing is ~50 µs each time.
  const cached = recent.get(input);
  if (cached !== undefined) return cached;
  const result = parseMobile(input);
  if (recent.size >= RECENT_LIMIT) recent.clear();
  recent.set(input, result);
  return result;
}

const RECENT_LIMIT = 10_000;
const recent = new Map<string, string | null>();

function parseMobile(input: string): string | null {
  const compact = input.replace(SEPARATORS, "");
  if (!/^\+?\d{6,16}$/.test(compact)) return null;
  // "62…" without a plus is how WhatsApp itself writes it; read as national it
  // would become +62 62…, a fixed line.
  const international = compact.startsWith("+")
    ? compact
    : compact.startsWith("62")
      ? `+${compact}`
      : null;
  const parsed = international
    ? parsePhoneNumberFromString(international)
    : parsePhoneNumberFromString(compact, "ID");
  if (parsed?.country !== "ID" || !parsed.isValid()) return null;
  return parsed.number.slice(1);
}

/** Like `toIndonesianMobile`, but throws `InvalidPhoneNumberError` instead of returning `null`. */
export function normalizeIndonesianPhone(input: string): string {
  const phone = toIndonesianMobile(input);
  if (phone === null) throw new InvalidPhoneNumberError();
  return phone;
}
