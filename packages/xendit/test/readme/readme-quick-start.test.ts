import * as core from "@lunas/core";
import * as xendit from "@lunas/xendit";
import { expect, it } from "vitest";
import { runReadmeExample } from "../../../../test-support/readme-example.js";

const modules: Record<string, unknown> = { "@lunas/core": core, "@lunas/xendit": xendit };

it("the README's first example runs as pasted", async () => {
  const logged = await runReadmeExample(new URL("../../README.md", import.meta.url), modules);
  expect(logged[0]).toEqual(["paid:", "order-1", 150000, "paid"]);
  expect(logged[1]).toEqual([
    200,
    {
      ok: true,
      event: "payment_session.completed",
      key: "payment_session.completed:py-661f87c614802d6c402cd82d",
      replayed: false,
    },
  ]);
  expect(logged[2]?.[0]).toMatchObject({
    sessionId: "ps-661f87c614802d6c402cd82d",
    orderId: "order-1",
    status: "paid",
  });
});
