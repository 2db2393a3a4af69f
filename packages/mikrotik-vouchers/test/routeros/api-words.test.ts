import { describe, expect, it } from "vitest";
import {
  encodeLength,
  encodeSentence,
  MAX_WORD_BYTES,
  SentenceReader,
} from "../../src/routeros/api-words.js";

describe("RouterOS API word lengths", () => {
  it.each([
    [0x00, [0x00]],
    [0x7f, [0x7f]],
    [0x80, [0x80, 0x80]],
    [0x3fff, [0xbf, 0xff]],
    [0x4000, [0xc0, 0x40, 0x00]],
    [0x1fffff, [0xdf, 0xff, 0xff]],
    [0x200000, [0xe0, 0x20, 0x00, 0x00]],
    [0xfffffff, [0xef, 0xff, 0xff, 0xff]],
    [0x10000000, [0xf0, 0x10, 0x00, 0x00, 0x00]],
  ])("encodes %i in the documented prefix bytes", (length, bytes) => {
    expect([...encodeLength(length)], `length ${length}`).toEqual(bytes);
  });

  it("reads back a word of every length class up to 4 bytes, fed one byte at a time", () => {
    const words = [
      "!re",
      "x".repeat(0x80),
      // A hotspot on-login script is kilobytes: the 2- and 3-byte classes.
      `=on-login=${":put ok; ".repeat(1500)}`,
      "y".repeat(0x200000),
    ];
    const bytes = encodeSentence(words);
    const reader = new SentenceReader();
    const sentences: string[][] = [];
    // Byte by byte for the short part, then the rest: prefixes split across chunks.
    for (let i = 0; i < 300; i++) sentences.push(...reader.push(bytes.subarray(i, i + 1)));
    sentences.push(...reader.push(bytes.subarray(300)));
    expect(sentences, "one sentence").toHaveLength(1);
    expect(sentences[0]?.map((word) => word.length)).toEqual(words.map((word) => word.length));
    expect(sentences[0]).toEqual(words);
  });

  it("counts bytes, not characters, for multi-byte UTF-8", () => {
    const word = "=comment=Pak Budi — voucher ✓ 🎫".repeat(5);
    const bytes = encodeSentence([word]);
    const byteLength = Buffer.byteLength(word, "utf8");
    expect(byteLength, "the word has multi-byte characters").toBeGreaterThan(word.length);
    expect(bytes.length, "prefix + bytes + terminator").toBe(2 + byteLength + 1);
    expect(new SentenceReader().push(bytes)).toEqual([[word]]);
  });

  it("decodes a 5-byte prefix and refuses the word as larger than the limit", () => {
    const reader = new SentenceReader();
    expect(() => reader.push(Buffer.from([0xf0, 0x10, 0x00, 0x00, 0x00]))).toThrow(
      `A word of ${0x10000000} bytes exceeds the ${MAX_WORD_BYTES}-byte limit`,
    );
  });

  it("refuses a control byte as a length prefix", () => {
    expect(() => new SentenceReader().push(Buffer.from([0xf8]))).toThrow(
      /Unknown word length prefix 0xf8/,
    );
  });
});
