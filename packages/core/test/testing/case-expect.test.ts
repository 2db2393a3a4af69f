import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { caseExpect } from "../../src/conformance.js";

function failureOf(assertion: () => unknown): string {
  try {
    assertion();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error("the assertion passed");
}

describe("caseExpect", () => {
  it("names the failing case, suite included, in the assertion's message", () => {
    const message = failureOf(() => caseExpect(1).toBe(2));
    expect(message).toContain("caseExpect > names the failing case, suite included");
    expect(message).toContain("expected 1 to be 2");
  });

  it("keeps an assertion's own message after the case name", () => {
    const message = failureOf(() => caseExpect([1], "the stored rows").toEqual([2]));
    expect(message).toMatch(
      /keeps an assertion's own message after the case name: the stored rows/,
    );
  });

  it("names the case for rejected promises and keeps vitest's matchers", async () => {
    const rejected = await caseExpect(Promise.reject(new Error("boom")))
      .resolves.toBe(1)
      .then(
        () => "resolved",
        (error: Error) => error.message,
      );
    expect(rejected).toContain("names the case for rejected promises");
    caseExpect({ id: "x" }).toEqual(caseExpect.objectContaining({ id: caseExpect.any(String) }));
  });
});

// Every conformance suite shipped in a package asserts through caseExpect, so a
// third-party adapter's failure names its case; vitest's bare `expect` there would not.
describe("the shipped conformance suites", () => {
  const packagesDir = new URL("../../../", import.meta.url);
  const suites = readdirSync(packagesDir).flatMap((pkg) => {
    const dir = new URL(`${pkg}/src/testing/`, packagesDir);
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch {
      return [];
    }
    return files
      .filter((file) => file.endsWith("-conformance.ts"))
      .map((file) => ({ name: `${pkg}/src/testing/${file}`, url: new URL(file, dir) }));
  });

  it("are found in core and xendit", () => {
    const names = suites.map((s) => s.name);
    expect(names).toContain("core/src/testing/token-store-conformance.ts");
    expect(names).toContain("xendit/src/testing/ledger-store-conformance.ts");
  });

  it.each(suites)("$name asserts only through caseExpect", ({ url }) => {
    const source = readFileSync(url, "utf8");
    const vitestImport = /import \{([^}]*)\} from "vitest"/.exec(source)?.[1] ?? "";
    expect(vitestImport.split(",").map((n) => n.trim())).not.toContain("expect");
    expect(source).toMatch(
      /import \{ caseExpect as expect \} from "(\.\/case-expect\.js|@lunas\/core\/conformance)"/,
    );
  });
});
