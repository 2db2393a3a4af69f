import { type ExpectStatic, expect } from "vitest";

function named(error: unknown, name: string): unknown {
  if (error instanceof Error && !error.message.includes(name)) {
    error.message = `${name}: ${error.message}`;
  }
  return error;
}

/**
 * vitest's `expect`, with every assertion's failure message naming the case
 * that made it: `<suite> > <case>`, then the assertion's own message if it
 * has one. The conformance suites assert through it, so when a third-party
 * adapter fails one, the error itself says which case failed, whatever
 * reporter or log shows it. Everything else (`expect.any`, `.rejects`,
 * `expect.assertions`) is vitest's own.
 */
export const caseExpect: ExpectStatic = new Proxy(expect, {
  apply(target, _this, [actual, message]: [unknown, string | undefined]) {
    const name = target.getState().currentTestName ?? "outside any test case";
    const assertion = target(actual, message === undefined ? name : `${name}: ${message}`);
    // vitest leaves the message out of "resolved instead of rejecting" (and the
    // reverse), so those failures get the name here.
    return new Proxy(assertion, {
      get(assertionTarget, property, receiver) {
        const chain: unknown = Reflect.get(assertionTarget, property, receiver);
        if ((property !== "resolves" && property !== "rejects") || typeof chain !== "object") {
          return chain;
        }
        return new Proxy(chain as object, {
          get(chainTarget, matcher, chainReceiver) {
            const match: unknown = Reflect.get(chainTarget, matcher, chainReceiver);
            if (typeof match !== "function") return match;
            return (...args: unknown[]) =>
              (match.apply(chainTarget, args) as Promise<unknown>).catch((error: unknown) => {
                throw named(error, name);
              });
          },
        });
      },
    });
  },
});
