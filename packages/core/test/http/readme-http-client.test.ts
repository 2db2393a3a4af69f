import { readFileSync } from "node:fs";
import * as core from "@lunas/core";
import { expect, it, vi } from "vitest";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

it("the README's HTTP client example runs as pasted", async () => {
  const section = readme.slice(readme.indexOf("## HTTP client"));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error("README's HTTP client section has no ts block");
  // Its import becomes a lookup in the real module; everything else runs unchanged.
  const body = block.replace(
    /import \{([^}]+)\} from "@lunas\/core";/,
    (_all, names: string) => `const {${names}} = core;`,
  );
  const logged: unknown[][] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    logged.push(args);
  });
  try {
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
      ...args: string[]
    ) => (module: typeof core) => Promise<void>;
    await new AsyncFunction("core", body)(core);
  } finally {
    log.mockRestore();
  }
  expect(logged).toEqual([
    [{ id: "msg-1" }, "after", 2, "attempts"],
    [true, "token invalid"],
  ]);
});
