import { readFileSync } from "node:fs";
import * as sync from "@lunas/payment-sync";
import { expect, it, vi } from "vitest";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const modules: Record<string, unknown> = { "@lunas/payment-sync": sync };

it("the README's first example runs as pasted and prints what its comments say", async () => {
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README has no ts block");
  // Its imports become lookups in the real modules; everything else runs unchanged.
  const body = block.replace(
    /import \{([^}]+)\} from "([^"]+)";/g,
    (_all, names: string, from: string) => {
      if (!(from in modules)) throw new Error(`README imports ${from}`);
      return `const {${names}} = modules[${JSON.stringify(from)}];`;
    },
  );
  const logged: unknown[][] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    logged.push(args);
  });
  try {
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
      ...args: string[]
    ) => (modules: Record<string, unknown>) => Promise<void>;
    await new AsyncFunction("modules", body)(modules);
  } finally {
    log.mockRestore();
  }
  expect(logged).toEqual([
    [{ granted: 1, revoked: 0, deduplicated: 1 }],
    [
      [
        ["ayu", 0, [], 1],
        ["budi", 1, ["course-free"], 0],
      ],
    ],
    [{ granted: 0, revoked: 0, deduplicated: 0 }],
    [true],
  ]);
});
