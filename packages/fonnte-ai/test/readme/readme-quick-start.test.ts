import * as core from "@lunas/core";
import * as fonnteAi from "@lunas/fonnte-ai";
import * as testing from "@lunas/fonnte-ai/testing";
import { expect, it } from "vitest";
import { runReadmeExample } from "../../../../test-support/readme-example.js";

const modules: Record<string, unknown> = {
  "@lunas/core": core,
  "@lunas/fonnte-ai": fonnteAi,
  "@lunas/fonnte-ai/testing": testing,
};

it("the README's first example runs as pasted", async () => {
  const logged = await runReadmeExample(new URL("../../README.md", import.meta.url), modules);
  expect(logged[0]).toEqual([200, { ok: true, status: "accepted" }]);
  expect(logged[1]).toEqual([["Kelas *Basic* mulai _Senin_."]]);
});
