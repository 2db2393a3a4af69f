/**
 * Splits a reply into messages of at most `maxChars` characters, breaking at
 * paragraph boundaries (blank lines) where it can, else at line ends, else at
 * spaces, and only as a last resort inside a word. Characters are counted as
 * code points, so an emoji is never cut in half.
 */
export function splitReply(text: string, maxChars: number): string[] {
  const parts: string[] = [];
  let current = "";
  const flush = () => {
    if (current.trim() !== "") parts.push(current.trim());
    current = "";
  };
  for (const paragraph of text.split(/\n{2,}/)) {
    const candidate = current === "" ? paragraph : `${current}\n\n${paragraph}`;
    if (length(candidate) <= maxChars) {
      current = candidate;
      continue;
    }
    flush();
    if (length(paragraph) <= maxChars) {
      current = paragraph;
      continue;
    }
    for (const piece of splitLong(paragraph, maxChars)) {
      parts.push(piece);
    }
  }
  flush();
  return parts;
}

const length = (text: string) => [...text].length;

function splitLong(paragraph: string, maxChars: number): string[] {
  const pieces: string[] = [];
  let rest = [...paragraph];
  while (rest.length > maxChars) {
    const window = rest.slice(0, maxChars + 1).join("");
    let cut = window.lastIndexOf("\n");
    if (cut <= 0) cut = window.lastIndexOf(" ");
    // Index in code units: map back to code points.
    const cutAt = cut > 0 ? [...window.slice(0, cut)].length : maxChars;
    pieces.push(rest.slice(0, cutAt).join("").trim());
    rest = rest.slice(cutAt);
    while (rest[0] === " " || rest[0] === "\n") rest = rest.slice(1);
  }
  const last = rest.join("").trim();
  if (last !== "") pieces.push(last);
  return pieces.filter((piece) => piece !== "");
}
