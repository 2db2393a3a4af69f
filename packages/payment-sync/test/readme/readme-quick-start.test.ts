import * as sync from "@lunas/payment-sync";
import { expect, it } from "vitest";
import { runReadmeExample } from "../../../../test-support/readme-example.js";

const modules: Record<string, unknown> = { "@lunas/payment-sync": sync };

it("the README's first example runs as pasted and prints what its comments say", async () => {
  const logged = await runReadmeExample(new URL("../../README.md", import.meta.url), modules);
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
