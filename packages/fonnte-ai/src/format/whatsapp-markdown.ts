import { Lexer, type Token, type Tokens } from "marked";

// WhatsApp's own markup: *bold*, _italic_, ~strike~, `code`, ```block```,
// "- " and "1. " lists and "> " quotes. It has no headings, links or tables,
// so those become what reads well in a chat bubble.

function inline(tokens: readonly Token[] | undefined): string {
  let out = "";
  for (const token of tokens ?? []) out += inlineToken(token as Tokens.Generic);
  return out;
}

// A marker only works when it hugs non-space text: "* x*" shows literally.
function wrap(marker: string, body: string): string {
  const trimmed = body.trim();
  if (trimmed === "") return body;
  const lead = body.slice(0, body.indexOf(trimmed));
  const tail = body.slice(lead.length + trimmed.length);
  return `${lead}${marker}${trimmed}${marker}${tail}`;
}

function inlineToken(token: Tokens.Generic): string {
  switch (token.type) {
    case "strong":
      return wrap("*", inline(token.tokens));
    case "em":
      return wrap("_", inline(token.tokens));
    case "del":
      return wrap("~", inline(token.tokens));
    case "codespan":
      return `\`${token.text as string}\``;
    case "br":
      return "\n";
    case "link": {
      const label = inline(token.tokens);
      const href = token.href as string;
      return label === href || label === "" ? href : `${label} (${href})`;
    }
    case "image":
      return (token.href as string) ?? "";
    case "escape":
      return token.text as string;
    case "html":
      return "";
    case "text":
      return token.tokens ? inline(token.tokens) : (token.text as string);
    default:
      return typeof token.text === "string" ? token.text : "";
  }
}

function listBlock(list: Tokens.List, depth: number): string {
  const indent = "  ".repeat(depth);
  const start = typeof list.start === "number" ? list.start : 1;
  return list.items
    .map((item, index) => {
      const bullet = list.ordered ? `${start + index}.` : "-";
      const box = item.task ? (item.checked ? "☑ " : "☐ ") : "";
      const lines: string[] = [];
      const nested: string[] = [];
      for (const child of item.tokens) {
        if (child.type === "list") nested.push(listBlock(child as Tokens.List, depth + 1));
        else if (child.type !== "space" && child.type !== "checkbox") {
          const text = blockToken(child as Tokens.Generic, depth + 1);
          if (text !== "") lines.push(text);
        }
      }
      const head = `${indent}${bullet} ${box}${lines.join(`\n${indent}  `)}`;
      return [head, ...nested].join("\n");
    })
    .join("\n");
}

function blockToken(token: Tokens.Generic, depth = 0): string {
  switch (token.type) {
    case "heading":
      return wrap("*", inline(token.tokens));
    case "paragraph":
    case "text":
      return token.tokens ? inline(token.tokens) : (token.text as string);
    case "list":
      return listBlock(token as unknown as Tokens.List, depth);
    case "code":
      return `\`\`\`\n${token.text as string}\n\`\`\``;
    case "blockquote":
      return blocks(token.tokens)
        .split("\n")
        .map((line) => `> ${line}`)
        .join("\n");
    case "table": {
      // A table cannot be drawn in a chat bubble: each row becomes a list item
      // naming its columns.
      const table = token as unknown as Tokens.Table;
      const header = table.header.map((cell) => inline(cell.tokens));
      return table.rows
        .map(
          (row) =>
            `- ${row
              .map((cell, i) =>
                header[i] ? `${wrap("*", header[i])}: ${inline(cell.tokens)}` : inline(cell.tokens),
              )
              .join(", ")}`,
        )
        .join("\n");
    }
    case "hr":
      return "⎯⎯⎯";
    case "space":
    case "def":
    case "html":
      return "";
    default:
      return typeof token.text === "string" ? token.text : "";
  }
}

function blocks(tokens: readonly Token[] | undefined): string {
  return (tokens ?? [])
    .map((token) => blockToken(token as Tokens.Generic))
    .filter((text) => text !== "")
    .join("\n\n");
}

// Any character that can start Markdown syntax (emphasis, code, headings,
// links, HTML, tables, quotes, escapes, entities, list markers, setext lines).
const MARKDOWN_SYNTAX = /[*_~`#[\]<>|\\&=+-]|^\s*\d+[.)]\s|^ {4}|\t|https?:/m;

/**
 * Turns a model's Markdown into WhatsApp formatting with a Markdown parser
 * (marked's lexer), not regular expressions: `**bold**` → `*bold*`, `*it*` →
 * `_it_`, `~~x~~` → `~x~`, headings → a bold line, lists kept (nested ones
 * indented), tables → one list item per row, links → `label (url)`, HTML
 * dropped. Paragraphs stay separated by a blank line, which `splitReply` uses.
 */
export function markdownToWhatsApp(markdown: string): string {
  // Text with no Markdown syntax at all reads the same after parsing; skip the lexer.
  if (!MARKDOWN_SYNTAX.test(markdown)) return markdown.trim();
  return blocks(new Lexer({ gfm: true }).lex(markdown)).trim();
}
