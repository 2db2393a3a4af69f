import { readFileSync } from "node:fs";
import * as core from "@lunas/core";
import * as fonnteAi from "@lunas/fonnte-ai";
import * as testing from "@lunas/fonnte-ai/testing";
import { expect, it, vi } from "vitest";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const modules: Record<string, unknown> = {
  "@lunas/core": core,
  "@lunas/fonnte-ai": fonnteAi,
  "@lunas/fonnte-ai/testing": testing,
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
  expect(logged[0]).toEqual([200, { ok: true, status: "accepted" }]);
  expect(logged[1]).toEqual([["Kelas *Basic* mulai _Senin_."]]);
});
