import { readFileSync } from "node:fs";
import * as core from "@lunas/core";
import { expect, it, vi } from "vitest";
import * as vouchers from "../../src/index.js";
import * as testing from "../../src/testing.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const modules: Record<string, unknown> = {
  "@lunas/core": core,
  "@lunas/mikrotik-vouchers": vouchers,
  "@lunas/mikrotik-vouchers/testing": testing,
};

it("the README's first example runs as pasted", async () => {
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
  expect(logged, "the message, then the summary").toHaveLength(2);
  expect(String(logged[0]?.[0]), "Indonesian message").toMatch(
    /^Terima kasih! Pembayaran pesanan ORD-1001[\s\S]*3\. Kode: [a-z2-9]{6}[\s\S]*Login di: http:\/\/hotspot\.example\/login$/,
  );
  expect(logged[1], "summary").toEqual(["completed", 3, 3]);
});
