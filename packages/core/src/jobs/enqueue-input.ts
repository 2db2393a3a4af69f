import { z } from "zod";
import { InvalidArgumentError } from "../errors/lunas-error.js";
import { parseInput } from "../errors/parse-input.js";
import { sqlExecutorSchema } from "../input/injected-schemas.js";
import { toStorableJson } from "../input/storable-json.js";
import { storableText } from "../input/storable-text.js";
import type { SqlExecutor } from "../sql/executor.js";
import type { EnqueueOptions } from "./job-queue.js";

export const DEFAULT_RETRY_LIMIT = 3;
export const DEFAULT_RETRY_DELAY_SECONDS = 5;
export const DEFAULT_RETRY_BACKOFF = true;

export const queueNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,119}$/,
    "must be 1-120 letters, digits, _ . : - starting with a letter or digit",
  );

const enqueueSchema = z.object({
  name: queueNameSchema,
  options: z
    .strictObject({
      singletonKey: storableText(255).optional(),
      retryLimit: z.number().int().min(0).max(10_000).default(DEFAULT_RETRY_LIMIT),
      // pg-boss stores whole seconds in an int column.
      retryDelaySeconds: z
        .number()
        .int()
        .min(0)
        .max(7 * 24 * 3600)
        .default(DEFAULT_RETRY_DELAY_SECONDS),
      retryBackoff: z.boolean().default(DEFAULT_RETRY_BACKOFF),
      startAfter: z.date().optional(),
      transaction: sqlExecutorSchema.optional(),
    })
    .default({
      retryLimit: DEFAULT_RETRY_LIMIT,
      retryDelaySeconds: DEFAULT_RETRY_DELAY_SECONDS,
      retryBackoff: DEFAULT_RETRY_BACKOFF,
    }),
});

export interface EnqueueInput {
  name: string;
  /** The job data as JSON text; `undefined` is stored as `null`. */
  dataJson: string;
  options: {
    singletonKey?: string;
    retryLimit: number;
    retryDelaySeconds: number;
    retryBackoff: boolean;
    startAfter?: Date;
    transaction?: SqlExecutor;
  };
}

/**
 * Checks one `enqueue` call the same way for every adapter, so a bad call is
 * rejected before anything is written, and turns the data into the JSON text
 * a database would store (handlers of every adapter see the same round trip).
 */
export function parseEnqueueInput(
  name: unknown,
  data: unknown,
  options: EnqueueOptions | undefined,
): EnqueueInput {
  const parsed = parseInput(enqueueSchema, { name, options }, "job");
  const stored = toStorableJson(data === undefined ? null : data);
  if (stored.ok) return { name: parsed.name, dataJson: stored.json, options: parsed.options };
  if (stored.reason === "nul") {
    throw new InvalidArgumentError("Invalid job", ["data: must not contain U+0000"]);
  }
  if (stored.cause === undefined) {
    throw new InvalidArgumentError("Invalid job", ["data: must be JSON-serialisable"]);
  }
  throw new InvalidArgumentError("Invalid job", [`data: ${(stored.cause as Error).message}`], {
    cause: stored.cause,
  });
}

export function parseQueueName(name: unknown): string {
  return parseInput(queueNameSchema, name, "queue name");
}
