import { includesNul } from "@lunas/core/validation";

/**
 * How deeply a webhook body may nest. Xendit's own bodies are a handful of
 * levels deep; far deeper ones overflow the stack of JSON.stringify and
 * structuredClone (about 2,000 levels) and PostgreSQL's jsonb parser, so they
 * are refused at the parse (400) instead of failing later on every redelivery.
 */
export const MAX_PAYLOAD_DEPTH = 64;

export interface PayloadProblem {
  kind: "too_deep" | "nul";
  path: (string | number)[];
  message: string;
}

interface Visit {
  value: unknown;
  depth: number;
  key: string | number | null;
  parent: Visit | null;
}

function pathOf(visit: Visit): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: Visit | null = visit; at !== null && at.key !== null; at = at.parent) {
    path.unshift(at.key);
  }
  return path;
}

/**
 * Why `value` cannot be stored and replayed safely: nesting past
 * `MAX_PAYLOAD_DEPTH` (reported first, wherever it is), else the first U+0000
 * in a string or property name (PostgreSQL text and jsonb cannot hold it).
 * Walks with an explicit stack, so a hostile depth cannot overflow the call
 * stack here either.
 */
export function payloadProblem(value: unknown): PayloadProblem | null {
  let nul: PayloadProblem | null = null;
  const stack: Visit[] = [{ value, depth: 0, key: null, parent: null }];
  for (let visit = stack.pop(); visit !== undefined; visit = stack.pop()) {
    const current = visit.value;
    const keyHasNul = typeof visit.key === "string" && includesNul(visit.key);
    if (nul === null && (keyHasNul || (typeof current === "string" && includesNul(current)))) {
      nul = { kind: "nul", path: pathOf(visit), message: NUL_MESSAGE };
    }
    if (typeof current !== "object" || current === null) continue;
    if (visit.depth >= MAX_PAYLOAD_DEPTH) {
      return {
        kind: "too_deep",
        path: pathOf(visit),
        message: `nests deeper than ${MAX_PAYLOAD_DEPTH} levels`,
      };
    }
    const entries: [string | number, unknown][] = Array.isArray(current)
      ? current.map((item, index) => [index, item])
      : Object.entries(current);
    // Pushed in reverse so the first U+0000 in document order is the one reported.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i] as [string | number, unknown];
      stack.push({ value: item, depth: visit.depth + 1, key, parent: visit });
    }
  }
  return nul;
}

export const NUL_MESSAGE = "contains U+0000, which PostgreSQL cannot store";

export function describePath(path: readonly (string | number)[]): string {
  return path.length > 0 ? path.join(".") : "(root)";
}
