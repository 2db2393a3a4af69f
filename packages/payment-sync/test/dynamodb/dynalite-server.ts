import type { AddressInfo } from "node:net";
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Payment, UserEntitlements } from "@lunas/payment-sync";
import dynalite from "dynalite";

/** A DynamoDB-compatible server (dynalite, in memory) on a loopback port, for one test file. */
export async function startDynalite() {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const raw = new DynamoDBClient({
    endpoint,
    region: "ap-southeast-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const client = DynamoDBDocumentClient.from(raw);
  let tables = 0;

  /** A fresh pair of tables shaped like the original lms-payments and users. */
  async function createTables(seed: { payments?: Payment[]; users?: UserEntitlements[] } = {}) {
    const suffix = `${process.pid}-${++tables}`;
    const names = { payments: `lms-payments-${suffix}`, users: `users-${suffix}` };
    await raw.send(
      new CreateTableCommand({
        TableName: names.payments,
        AttributeDefinitions: [
          { AttributeName: "paymentId", AttributeType: "S" },
          { AttributeName: "userId", AttributeType: "S" },
        ],
        KeySchema: [{ AttributeName: "paymentId", KeyType: "HASH" }],
        GlobalSecondaryIndexes: [
          {
            IndexName: "userId-index",
            KeySchema: [{ AttributeName: "userId", KeyType: "HASH" }],
            Projection: { ProjectionType: "ALL" },
            ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
          },
        ],
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
      }),
    );
    await raw.send(
      new CreateTableCommand({
        TableName: names.users,
        AttributeDefinitions: [{ AttributeName: "userId", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "userId", KeyType: "HASH" }],
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
      }),
    );
    const put = async (table: string, items: Record<string, unknown>[]) => {
      for (let i = 0; i < items.length; i += 25) {
        await client.send(
          new BatchWriteCommand({
            RequestItems: {
              [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
            },
          }),
        );
      }
    };
    await put(
      names.payments,
      (seed.payments ?? []).map((p) => ({
        paymentId: p.paymentId,
        userId: p.userId,
        courseId: p.itemId,
        amount: p.amount,
        paidAt: p.paidAt,
        provider: p.provider,
        status: "settlement",
      })),
    );
    await put(
      names.users,
      (seed.users ?? []).map((u) => ({
        userId: u.userId,
        purchasedCourses: u.items,
        email: `${u.userId}@example.com`,
      })),
    );
    return {
      names,
      drop: async () => {
        await raw.send(new DeleteTableCommand({ TableName: names.payments }));
        await raw.send(new DeleteTableCommand({ TableName: names.users }));
      },
    };
  }

  return {
    endpoint,
    client,
    createTables,
    async close() {
      raw.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
