import * as core from "@lunas/core";
import { expect, it } from "vitest";
import { runReadmeExample } from "../../../../test-support/readme-example.js";
import * as vouchers from "../../src/index.js";
import * as testing from "../../src/testing.js";

const modules: Record<string, unknown> = {
  "@lunas/core": core,
  "@lunas/mikrotik-vouchers": vouchers,
  "@lunas/mikrotik-vouchers/testing": testing,
};

it("the README's first example runs as pasted", async () => {
  const logged = await runReadmeExample(new URL("../../README.md", import.meta.url), modules);
  expect(logged, "the message, then the summary").toHaveLength(2);
  expect(String(logged[0]?.[0]), "Indonesian message").toMatch(
    /^Terima kasih! Pembayaran pesanan ORD-1001[\s\S]*3\. Kode: [a-z2-9]{6}[\s\S]*Login di: http:\/\/hotspot\.example\/login$/,
  );
  expect(logged[1], "summary").toEqual(["completed", 3, 3]);
});
