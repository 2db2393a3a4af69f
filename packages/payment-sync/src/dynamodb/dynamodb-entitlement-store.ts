import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { LunasError, parseInput } from "@lunas/core";
import { portSchema } from "@lunas/core/validation";
import { z } from "zod";
import type { EntitlementStore, UserEntitlements } from "../entitlements/entitlement-store.js";
import { callOptions, decodeCursor, encodeCursor, isConditionFailure } from "./dynamodb-cursor.js";

export interface DynamoDbEntitlementStoreOptions {
  /** The users table (`DYNAMODB_USERS_TABLE`), keyed by the user id. */
  table: string;
  /** Attribute names. Default `{ userId: "userId", items: "purchasedCourses" }`. */
  attributes?: { userId?: string; items?: string };
  /** Deadline of each DynamoDB call. Default 10 s. */
  timeoutMs?: number;
}

/** A list kept changing under a revoke or dedupe more times than it was worth retrying. */
export class EntitlementContentionError extends LunasError {
  constructor(userId: string) {
    super(
      "ENTITLEMENT_CONTENTION",
      `The grants of user ${userId} kept changing while being rewritten; run the fix again`,
    );
  }
}

const argumentsSchema = z.object({
  client: portSchema<DynamoDBDocumentClient>("DynamoDBDocumentClient", ["send"]),
  options: z.strictObject({
    table: z.string().min(1),
    attributes: z
      .strictObject({
        userId: z.string().min(1).default("userId"),
        items: z.string().min(1).default("purchasedCourses"),
      })
      .default({ userId: "userId", items: "purchasedCourses" }),
    timeoutMs: z.number().int().positive().default(10_000),
  }),
});

const BATCH_GET_LIMIT = 100;
const REWRITE_ATTEMPTS = 5;

/**
 * Grants in a users table's list attribute (the original `purchasedCourses`).
 * A grant appends under the condition that the item is not in the list yet, so
 * two writers never duplicate it; revoke and dedupe rewrite the list under the
 * condition that it is still the one they read.
 */
export class DynamoDbEntitlementStore implements EntitlementStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #id: string;
  readonly #items: string;
  readonly #timeoutMs: number;

  constructor(client: DynamoDBDocumentClient, options: DynamoDbEntitlementStoreOptions) {
    const { options: opts } = parseInput(
      argumentsSchema,
      { client, options },
      "DynamoDbEntitlementStore arguments",
    );
    this.#client = client;
    this.#table = opts.table;
    this.#id = opts.attributes.userId;
    this.#items = opts.attributes.items;
    this.#timeoutMs = opts.timeoutMs;
  }

  async listUsers(request: { cursor: string | null; limit: number }) {
    const page = await this.#client.send(
      new ScanCommand({
        TableName: this.#table,
        ProjectionExpression: "#id, #items",
        ExpressionAttributeNames: { "#id": this.#id, "#items": this.#items },
        Limit: request.limit,
        ExclusiveStartKey: decodeCursor(request.cursor),
      }),
      callOptions(this.#timeoutMs),
    );
    return {
      items: (page.Items ?? []).map((item) => this.#toRecord(item)),
      cursor: encodeCursor(page.LastEvaluatedKey),
    };
  }

  async getUsers(userIds: readonly string[]): Promise<UserEntitlements[]> {
    const found: UserEntitlements[] = [];
    const ids = [...new Set(userIds)];
    for (let i = 0; i < ids.length; i += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] | undefined = ids
        .slice(i, i + BATCH_GET_LIMIT)
        .map((id) => ({ [this.#id]: id }));
      // Unprocessed keys (throttling) are asked again; the run's retry covers a failing call.
      for (let round = 0; keys && keys.length > 0; round++) {
        if (round >= REWRITE_ATTEMPTS)
          throw new EntitlementContentionError(String(keys[0]?.[this.#id]));
        const answer = await this.#client.send(
          new BatchGetCommand({
            RequestItems: {
              [this.#table]: {
                Keys: keys,
                ProjectionExpression: "#id, #items",
                ExpressionAttributeNames: { "#id": this.#id, "#items": this.#items },
              },
            },
          }),
          callOptions(this.#timeoutMs),
        );
        for (const item of answer.Responses?.[this.#table] ?? []) found.push(this.#toRecord(item));
        keys = answer.UnprocessedKeys?.[this.#table]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return found;
  }

  async absentUsers(userIds: readonly string[]): Promise<string[]> {
    const present = new Set((await this.getUsers(userIds)).map((record) => record.userId));
    return [...new Set(userIds)].filter((id) => !present.has(id));
  }

  async grant(userId: string, itemId: string) {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { [this.#id]: userId },
          UpdateExpression: "SET #items = list_append(if_not_exists(#items, :empty), :item)",
          ConditionExpression: "attribute_not_exists(#items) OR NOT contains(#items, :itemId)",
          ExpressionAttributeNames: { "#items": this.#items },
          ExpressionAttributeValues: { ":empty": [], ":item": [itemId], ":itemId": itemId },
        }),
        callOptions(this.#timeoutMs),
      );
      return { granted: true };
    } catch (error) {
      if (isConditionFailure(error)) return { granted: false };
      throw error;
    }
  }

  async revoke(userId: string, itemId: string) {
    const removed = await this.#rewrite(userId, (items) => items.filter((item) => item !== itemId));
    return { revoked: removed > 0 };
  }

  async dedupe(userId: string, itemId: string) {
    const removed = await this.#rewrite(userId, (items) => {
      const first = items.indexOf(itemId);
      return items.filter((item, index) => item !== itemId || index === first);
    });
    return { removed };
  }

  /** Rewrites the list if `change` shortens it, only while it is still the list that was read. */
  async #rewrite(userId: string, change: (items: string[]) => string[]): Promise<number> {
    for (let attempt = 0; attempt < REWRITE_ATTEMPTS; attempt++) {
      const current = await this.#client.send(
        new GetCommand({
          TableName: this.#table,
          Key: { [this.#id]: userId },
          ConsistentRead: true,
        }),
        callOptions(this.#timeoutMs),
      );
      const items = current.Item ? this.#toRecord(current.Item).items : [];
      const next = change(items);
      if (next.length === items.length) return 0;
      try {
        // Element by element: DynamoDB compares lists in conditions only by path.
        const unchanged = items.map((_, i) => `#items[${i}] = :was${i}`);
        await this.#client.send(
          new UpdateCommand({
            TableName: this.#table,
            Key: { [this.#id]: userId },
            UpdateExpression: "SET #items = :next",
            ConditionExpression: ["size(#items) = :size", ...unchanged].join(" AND "),
            ExpressionAttributeNames: { "#items": this.#items },
            ExpressionAttributeValues: {
              ":next": next,
              ":size": items.length,
              ...Object.fromEntries(items.map((item, i) => [`:was${i}`, item])),
            },
          }),
          callOptions(this.#timeoutMs),
        );
        return items.length - next.length;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new EntitlementContentionError(userId);
  }

  #toRecord(item: Record<string, unknown>): UserEntitlements {
    const items = item[this.#items];
    return {
      userId: String(item[this.#id]),
      items: Array.isArray(items) ? items.map(String) : [],
    };
  }
}
