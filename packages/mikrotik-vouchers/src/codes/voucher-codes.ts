import { LunasError } from "@lunas/core";
import { CHARSETS, type Charset } from "./charsets.js";

/** Random bytes; injected so tests can replay a sequence. Default: Web Crypto. */
export type RandomBytes = (count: number) => Uint8Array;

export const cryptoRandomBytes: RandomBytes = (count) =>
  crypto.getRandomValues(new Uint8Array(count));

export interface VoucherCode {
  username: string;
  password: string;
}

export interface CodeShape {
  mode: "vc" | "up";
  length: number;
  prefix: string;
  charset: Charset;
}

/** There are not enough unused codes of this shape left. */
export class VoucherCodeSpaceExhaustedError extends LunasError {
  constructor(wanted: number, available: number) {
    super(
      "VOUCHER_CODE_SPACE_EXHAUSTED",
      `Only ${available} unused codes of this length, prefix and character set remain, ${wanted} are needed: use a longer code, a larger character set or another prefix.`,
    );
  }
}

function randomString(alphabet: string, length: number, random: RandomBytes): string {
  // Rejection sampling: bytes at or above `limit` would favour the first characters.
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    for (const byte of random(length * 2)) {
      if (byte >= limit) continue;
      out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** Every code of the shape, for a code space small enough to run out: picking from it cannot loop. */
function* everyCode(alphabet: string, length: number): Generator<string> {
  const digits = new Array<number>(length).fill(0);
  for (;;) {
    yield digits.map((d) => alphabet[d]).join("");
    let i = length - 1;
    while (i >= 0 && digits[i] === alphabet.length - 1) digits[i--] = 0;
    if (i < 0) return;
    digits[i]!++;
  }
}

/**
 * `quantity` codes of `shape`, cryptographically random, unique among
 * themselves and against `taken` (names already on the router). When fewer
 * than `quantity` unused codes exist it throws
 * `VoucherCodeSpaceExhaustedError` instead of searching forever.
 */
export function generateVoucherCodes(
  shape: CodeShape,
  quantity: number,
  options: { random?: RandomBytes; taken?: Iterable<string> } = {},
): VoucherCode[] {
  const random = options.random ?? cryptoRandomBytes;
  const alphabet = CHARSETS[shape.charset];
  const taken = new Set(options.taken ?? []);
  const space = alphabet.length ** shape.length;
  const ofShape = new RegExp(
    `^${shape.prefix.replace(/[.-]/g, "\\$&")}[${alphabet}]{${shape.length}}$`,
  );
  const used = [...taken].filter((name) => ofShape.test(name)).length;
  const available = space - used;
  if (quantity > available) throw new VoucherCodeSpaceExhaustedError(quantity, available);

  let names: string[];
  if (quantity * 2 > available) {
    // Nearly full: draw from the unused codes themselves (a random shuffle), not by retrying.
    const unused = [...everyCode(alphabet, shape.length)]
      .map((code) => shape.prefix + code)
      .filter((name) => !taken.has(name));
    for (let i = unused.length - 1; i > 0; i--) {
      const j = Number(randomIndex(i + 1, random));
      [unused[i], unused[j]] = [unused[j]!, unused[i]!];
    }
    names = unused.slice(0, quantity);
  } else {
    // At least half the space is free, so each draw succeeds with probability ≥ 1/2.
    const chosen = new Set<string>();
    while (chosen.size < quantity) {
      const name = shape.prefix + randomString(alphabet, shape.length, random);
      if (!taken.has(name)) chosen.add(name);
    }
    names = [...chosen];
  }
  return names.map((username) => ({
    username,
    password: shape.mode === "vc" ? username : randomString(alphabet, shape.length, random),
  }));
}

function randomIndex(bound: number, random: RandomBytes): number {
  // 32 random bits, rejection-sampled to an unbiased index below `bound`.
  const limit = 2 ** 32 - (2 ** 32 % bound);
  for (;;) {
    const bytes = random(4);
    const value = ((bytes[0]! << 24) >>> 0) + (bytes[1]! << 16) + (bytes[2]! << 8) + bytes[3]!;
    if (value < limit) return value % bound;
  }
}
