import { markdownToWhatsApp, splitReply } from "@lunas/fonnte-ai";
import { describe, expect, it } from "vitest";

describe("markdownToWhatsApp", () => {
  it("turns bold, italic, strike and code into WhatsApp's markers", () => {
    expect(markdownToWhatsApp("**Penting**, *miring*, ~~coret~~ dan `kode`")).toBe(
      "*Penting*, _miring_, ~coret~ dan `kode`",
    );
    expect(markdownToWhatsApp("__tebal__ _miring_ ***keduanya***")).toBe(
      "*tebal* _miring_ _*keduanya*_",
    );
  });

  it("makes headings bold lines and keeps paragraphs apart", () => {
    expect(markdownToWhatsApp("# Judul\n\nParagraf satu.\n\n## Sub\nParagraf dua.")).toBe(
      "*Judul*\n\nParagraf satu.\n\n*Sub*\n\nParagraf dua.",
    );
  });

  it("keeps lists, numbered and nested", () => {
    expect(markdownToWhatsApp("- satu\n- **dua**\n  - dua a\n\n1. pertama\n2. kedua")).toBe(
      "- satu\n- *dua*\n  - dua a\n\n1. pertama\n2. kedua",
    );
    expect(markdownToWhatsApp("3. tiga\n4. empat")).toBe("3. tiga\n4. empat");
  });

  it("turns a table into one list item per row", () => {
    expect(
      markdownToWhatsApp("| Paket | Harga |\n|---|---|\n| Basic | 10rb |\n| Pro | 25rb |"),
    ).toBe("- *Paket*: Basic, *Harga*: 10rb\n- *Paket*: Pro, *Harga*: 25rb");
  });

  it("writes links as label (url), keeps code blocks and quotes, drops HTML", () => {
    expect(markdownToWhatsApp("[Dokumen](https://x.id/a) dan https://x.id/b")).toBe(
      "Dokumen (https://x.id/a) dan https://x.id/b",
    );
    expect(markdownToWhatsApp("```\nconst a = 1;\n```")).toBe("```\nconst a = 1;\n```");
    expect(markdownToWhatsApp("> kutipan")).toBe("> kutipan");
    expect(markdownToWhatsApp("a <b>tebal</b> & < c")).toBe("a tebal & < c");
  });

  it("is a parser, not a regex: markers inside code and words stay as they are", () => {
    expect(markdownToWhatsApp("`**bukan tebal**` dan nama_file_baru.txt")).toBe(
      "`**bukan tebal**` dan nama_file_baru.txt",
    );
  });
});

describe("splitReply", () => {
  it("keeps a short reply whole", () => {
    expect(splitReply("Halo.\n\nApa kabar?", 100)).toEqual(["Halo.\n\nApa kabar?"]);
  });

  it("splits on paragraph boundaries, packing paragraphs while they fit", () => {
    const p = (c: string) => c.repeat(40);
    expect(splitReply(`${p("a")}\n\n${p("b")}\n\n${p("c")}`, 90)).toEqual([
      `${p("a")}\n\n${p("b")}`,
      p("c"),
    ]);
  });

  it("splits an overlong paragraph at spaces, never inside an emoji, every part within the limit", () => {
    const words = Array.from({ length: 60 }, (_, i) => `kata${i}😀`).join(" ");
    const parts = splitReply(words, 50);
    expect(parts.every((part) => [...part].length <= 50)).toBe(true);
    expect(parts.join(" ")).toBe(words);
    expect(splitReply("x".repeat(120), 50)).toEqual([
      "x".repeat(50),
      "x".repeat(50),
      "x".repeat(20),
    ]);
  });
});

describe("markdownToWhatsApp on plain text", () => {
  it("returns text without Markdown syntax as it is (no lexer needed)", () => {
    expect(markdownToWhatsApp("Halo Budi, kelas dimulai Senin pukul 9.\nSampai jumpa!")).toBe(
      "Halo Budi, kelas dimulai Senin pukul 9.\nSampai jumpa!",
    );
  });
});
