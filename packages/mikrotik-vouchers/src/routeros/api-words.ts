import { RouterOsProtocolError } from "./routeros-errors.js";

// The RouterOS API frames a sentence as words, each prefixed with its length in
// BYTES (not characters) in 1 to 5 bytes, and ends it with an empty word.
// https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API#API-APIwords

/** Longer words are refused as garbage rather than buffered (hotspot scripts are kilobytes, not megabytes). */
export const MAX_WORD_BYTES = 16 * 1024 * 1024;

export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  if (length < 0x4000) return Uint8Array.of((length >> 8) | 0x80, length & 0xff);
  if (length < 0x200000) {
    return Uint8Array.of((length >> 16) | 0xc0, (length >> 8) & 0xff, length & 0xff);
  }
  if (length < 0x10000000) {
    return Uint8Array.of(
      ((length >>> 24) & 0x0f) | 0xe0,
      (length >> 16) & 0xff,
      (length >> 8) & 0xff,
      length & 0xff,
    );
  }
  return Uint8Array.of(
    0xf0,
    (length >>> 24) & 0xff,
    (length >> 16) & 0xff,
    (length >> 8) & 0xff,
    length & 0xff,
  );
}

/** One sentence as bytes: every word UTF-8 encoded with its byte length, then the empty word. */
export function encodeSentence(words: readonly string[]): Buffer {
  const parts: Uint8Array[] = [];
  for (const word of words) {
    const bytes = Buffer.from(word, "utf8");
    parts.push(encodeLength(bytes.length), bytes);
  }
  parts.push(Uint8Array.of(0));
  return Buffer.concat(parts);
}

/**
 * Reads sentences out of a byte stream that arrives in arbitrary chunks (a
 * length prefix or a word may be split across chunks).
 */
export class SentenceReader {
  #buffer: Buffer = Buffer.alloc(0);
  #offset = 0;
  #words: string[] = [];

  /** Feeds bytes; returns the sentences they completed. Throws `RouterOsProtocolError` on garbage. */
  push(chunk: Buffer): string[][] {
    this.#buffer =
      this.#offset < this.#buffer.length
        ? Buffer.concat([this.#buffer.subarray(this.#offset), chunk])
        : chunk;
    this.#offset = 0;
    const sentences: string[][] = [];
    for (;;) {
      const header = this.#readLength();
      if (header === null) break;
      const { length, size } = header;
      if (this.#offset + size + length > this.#buffer.length) break;
      const start = this.#offset + size;
      this.#offset = start + length;
      if (length === 0) {
        sentences.push(this.#words);
        this.#words = [];
      } else {
        this.#words.push(this.#buffer.toString("utf8", start, start + length));
      }
    }
    return sentences;
  }

  #readLength(): { length: number; size: number } | null {
    const buf = this.#buffer;
    const at = this.#offset;
    if (at >= buf.length) return null;
    const first = buf[at]!;
    let size: number;
    if ((first & 0x80) === 0x00) size = 1;
    else if ((first & 0xc0) === 0x80) size = 2;
    else if ((first & 0xe0) === 0xc0) size = 3;
    else if ((first & 0xf0) === 0xe0) size = 4;
    else if (first === 0xf0) size = 5;
    else throw new RouterOsProtocolError(`Unknown word length prefix 0x${first.toString(16)}`);
    if (at + size > buf.length) return null;
    let length: number;
    switch (size) {
      case 1:
        length = first;
        break;
      case 2:
        length = ((first & 0x3f) << 8) | buf[at + 1]!;
        break;
      case 3:
        length = ((first & 0x1f) << 16) | (buf[at + 1]! << 8) | buf[at + 2]!;
        break;
      case 4:
        length = (first & 0x0f) * 0x1000000 + buf.readUIntBE(at + 1, 3);
        break;
      default:
        length = buf.readUInt32BE(at + 1);
    }
    if (length > MAX_WORD_BYTES) {
      throw new RouterOsProtocolError(
        `A word of ${length} bytes exceeds the ${MAX_WORD_BYTES}-byte limit`,
      );
    }
    return { length, size };
  }
}

/** `=name=value` attribute words of a reply sentence as a record; the value keeps every `=` after the second. */
export function readAttributes(words: readonly string[]): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const word of words) {
    if (!word.startsWith("=")) continue;
    const split = word.indexOf("=", 1);
    if (split === -1) attributes[word.slice(1)] = "";
    else attributes[word.slice(1, split)] = word.slice(split + 1);
  }
  return attributes;
}
