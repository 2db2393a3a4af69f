import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from "@aws-sdk/lib-dynamodb";
import { parseInput } from "@lunas/core";
import { portSchema } from "@lunas/core/validation";
import { z } from "zod";
import type { Page, Payment, PaymentSource } from "../payments/payment-source.js";
import { callOptions, decodeCursor, encodeCursor, isConditionFailure } from "./dynamodb-cursor.js";

export interface DynamoDbPaymentSourceOptions {
  /** The payments table (`DYNAMODB_PAYMENTS_TABLE`), keyed by the payment id. */
  table: string;
  /** A global secondary index with the user id as its partition key. Default `userId-index`. */
  userIndex?: string;
  /** Attribute names. Defaults: paymentId, userId, courseId, amount, paidAt, provider. */
  attributes?: Partial<Record<keyof Payment, string>>;
  /**
   * For a table that also holds unpaid rows: only items whose `attribute` is one of
   * `values` are successful payments. Default: every item is one.
   */
  paidWhen?: { attribute: string; values: string[] };
  /** Deadline of each DynamoDB call. Default 10 s. */
  timeoutMs?: number;
  /** Users queried at once by `paymentsOf`. Default 8. */
  queryConcurrency?: number;
}

const DEFAULT_ATTRIBUTES: Record<keyof Payment, string> = {
  paymentId: "paymentId",
  userId: "userId",
  itemId: "courseId",
  amount: "amount",
  paidAt: "paidAt",
  provider: "provider",
};

const argumentsSchema = z.object({
  client: portSchema<DynamoDBDocumentClient>("DynamoDBDocumentClient", ["send"]),
  options: z.strictObject({
    table: z.string().min(1),
    userIndex: z.string().min(1).default("userId-index"),
    attributes: z
      .strictObject({
        paymentId: z.string().min(1).optional(),
        userId: z.string().min(1).optional(),
        itemId: z.string().min(1).optional(),
        amount: z.string().min(1).optional(),
        paidAt: z.string().min(1).optional(),
        provider: z.string().min(1).optional(),
      })
      .default({}),
    paidWhen: z
      .strictObject({ attribute: z.string().min(1), values: z.array(z.string()).min(1) })
      .optional(),
    timeoutMs: z.number().int().positive().default(10_000),
    queryConcurrency: z.number().int().min(1).max(64).default(8),
  }),
});

/**
 * Payments in a DynamoDB table (the original `lms-payments`): paying users by
 * scanning (projected to the user id), a user's payments through the user
 * index, a payment written once with a condition on its key.
 */
export class DynamoDbPaymentSource implements PaymentSource {
  readonly #client: DynamoDBDocumentClient;
  readonly #options: z.output<typeof argumentsSchema>["options"];
  readonly #attr: Record<keyof Payment, string>;
  readonly #names: Record<string, string>;
  readonly #filter: { expression?: string; values?: Record<string, unknown> };

  constructor(client: DynamoDBDocumentClient, options: DynamoDbPaymentSourceOptions) {
    const parsed = parseInput(
      argumentsSchema,
      { client, options },
      "DynamoDbPaymentSource arguments",
    );
    this.#client = client;
    this.#options = parsed.options;
    this.#attr = { ...DEFAULT_ATTRIBUTES, ...parsed.options.attributes };
    // Placeholders for every name: several (`status`, `provider`) are reserved words.
    this.#names = Object.fromEntries(
      Object.entries(this.#attr).map(([field, name]) => [`#${field}`, name]),
    );
    const paid = parsed.options.paidWhen;
    if (paid) {
      this.#names["#paidStatus"] = paid.attribute;
      this.#filter = {
        expression: `#paidStatus IN (${paid.values.map((_, i) => `:paid${i}`).join(", ")})`,
        values: Object.fromEntries(paid.values.map((value, i) => [`:paid${i}`, value])),
      };
    } else this.#filter = {};
  }

  async listPaymentUsers(request: { cursor: string | null; limit: number }): Promise<Page<string>> {
    const names: Record<string, string> = { "#userId": this.#attr.userId };
    if (this.#names["#paidStatus"]) names["#paidStatus"] = this.#names["#paidStatus"];
    const page = await this.#client.send(
      new ScanCommand({
        TableName: this.#options.table,
        ProjectionExpression: "#userId",
        ExpressionAttributeNames: names,
        ...(this.#filter.expression
          ? {
              FilterExpression: this.#filter.expression,
              ExpressionAttributeValues: this.#filter.values,
            }
          : {}),
        Limit: request.limit,
        ExclusiveStartKey: decodeCursor(request.cursor),
      }),
      callOptions(this.#options.timeoutMs),
    );
    const users = new Set<string>();
    for (const item of page.Items ?? []) {
      const user = item[this.#attr.userId];
      if (typeof user === "string") users.add(user);
    }
    return { items: [...users], cursor: encodeCursor(page.LastEvaluatedKey) };
  }

  async paymentsOf(userIds: readonly string[]): Promise<Payment[]> {
    const queue = [...new Set(userIds)];
    const found: Payment[] = [];
    const worker = async () => {
      for (let user = queue.shift(); user !== undefined; user = queue.shift()) {
        found.push(...(await this.#paymentsOfOne(user)));
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.#options.queryConcurrency, queue.length) }, worker),
    );
    return found;
  }

  async recordPayment(payment: Payment): Promise<{ recorded: boolean }> {
    const a = this.#attr;
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#options.table,
          Item: {
            [a.paymentId]: payment.paymentId,
            [a.userId]: payment.userId,
            [a.itemId]: payment.itemId,
            [a.amount]: payment.amount,
            [a.paidAt]: payment.paidAt,
            [a.provider]: payment.provider,
            ...(this.#options.paidWhen
              ? { [this.#options.paidWhen.attribute]: this.#options.paidWhen.values[0] }
              : {}),
          },
          ConditionExpression: "attribute_not_exists(#paymentId)",
          ExpressionAttributeNames: { "#paymentId": a.paymentId },
        }),
        callOptions(this.#options.timeoutMs),
      );
      return { recorded: true };
    } catch (error) {
      if (isConditionFailure(error)) return { recorded: false };
      throw error;
    }
  }

  async #paymentsOfOne(userId: string): Promise<Payment[]> {
    const payments: Payment[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#options.table,
          IndexName: this.#options.userIndex,
          KeyConditionExpression: "#userId = :user",
          ExpressionAttributeNames: this.#names,
          ExpressionAttributeValues: { ":user": userId, ...this.#filter.values },
          ...(this.#filter.expression ? { FilterExpression: this.#filter.expression } : {}),
          ProjectionExpression: "#paymentId, #userId, #itemId, #amount, #paidAt, #provider",
          ExclusiveStartKey: start,
        }),
        callOptions(this.#options.timeoutMs),
      );
      for (const item of page.Items ?? []) payments.push(this.#toPayment(item));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return payments;
  }

  #toPayment(item: Record<string, unknown>): Payment {
    const a = this.#attr;
    return {
      paymentId: String(item[a.paymentId]),
      userId: String(item[a.userId]),
      itemId: String(item[a.itemId]),
      amount: Number(item[a.amount] ?? 0),
      paidAt: String(item[a.paidAt] ?? ""),
      provider: String(item[a.provider] ?? "unknown"),
    };
  }
}
