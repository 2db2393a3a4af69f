import { readFileSync } from "node:fs";
import { vi } from "vitest";

/**
 * Runs the first ```ts block of a package README as pasted: its imports become
 * lookups in `modules` (the real entries), everything else runs unchanged.
 * Resolves what the example printed with console.log, one array per call.
 */
export async function runReadmeExample(
  readmeUrl: URL,
  modules: Record<string, unknown>,
): Promise<unknown[][]> {
  const readme = readFileSync(readmeUrl, "utf8");
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README has no ts block");
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
  return logged;
}
