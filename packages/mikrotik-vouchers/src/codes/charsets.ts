// Mikhmon's character sets, without the look-alikes 0 1 l o q I O Q that
// customers mistype when they copy a code from a WhatsApp message.
const LOWER = "abcdefghijkmnprstuvwxyz";
const UPPER = "ABCDEFGHJKLMNPRSTUVWXYZ";
const DIGITS = "23456789";

export const CHARSETS = {
  lower: LOWER,
  upper: UPPER,
  upplow: UPPER + LOWER,
  num: DIGITS,
  mix: LOWER + DIGITS,
  mix1: UPPER + DIGITS,
  mix2: UPPER + LOWER + DIGITS,
} as const;

export type Charset = keyof typeof CHARSETS;

export const CHARSET_NAMES = Object.keys(CHARSETS) as [Charset, ...Charset[]];
