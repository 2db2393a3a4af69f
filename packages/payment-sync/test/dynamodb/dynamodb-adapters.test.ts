import {
  entitlementStoreConformance,
  paymentSourceConformance,
} from "@lunas/payment-sync/conformance";
import { DynamoDbEntitlementStore, DynamoDbPaymentSource } from "@lunas/payment-sync/dynamodb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { driftSuite } from "../reconcile/drift-suite.js";
import { startDynalite } from "./dynalite-server.js";

let dynamo: Awaited<ReturnType<typeof startDynalite>>;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());

const paidWhen = { attribute: "status", values: ["settlement", "capture"] };

paymentSourceConformance("DynamoDbPaymentSource on dynalite", async ({ payments }) => {
  const { names, drop } = await dynamo.createTables({ payments });
  return {
    source: new DynamoDbPaymentSource(dynamo.client, { table: names.payments, paidWhen }),
    cleanup: drop,
  };
});

entitlementStoreConformance("DynamoDbEntitlementStore on dynalite", async ({ users }) => {
  const { names, drop } = await dynamo.createTables({ users });
  return {
    store: new DynamoDbEntitlementStore(dynamo.client, { table: names.users }),
    cleanup: drop,
  };
});

driftSuite("DynamoDB (dynalite)", async ({ payments, users }) => {
  const { names, drop } = await dynamo.createTables({ payments, users });
  return {
    source: new DynamoDbPaymentSource(dynamo.client, { table: names.payments, paidWhen }),
    entitlements: new DynamoDbEntitlementStore(dynamo.client, { table: names.users }),
    cleanup: drop,
  };
});

it("refuses a missing client, a missing table or misspelt options with INVALID_ARGUMENT", () => {
  for (const make of [
    () => new DynamoDbPaymentSource(undefined as never, { table: "t" }),
    () => new DynamoDbPaymentSource(dynamo.client, {} as never),
    () =>
      new DynamoDbPaymentSource(dynamo.client, {
        table: "t",
        attributes: { course: "x" },
      } as never),
    () => new DynamoDbEntitlementStore(dynamo.client, { table: "t", timeout: 5 } as never),
  ]) {
    expect(make).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  }
});
