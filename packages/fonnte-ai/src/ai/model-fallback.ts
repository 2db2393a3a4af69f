import { HttpApiError, HttpClientError, realSleep, type Sleep } from "@lunas/core";
import { callableSchema, sleepSchema } from "@lunas/core/validation";
import { z } from "zod";
import { AiProviderError } from "./ai-errors.js";
import type { AiReply } from "./ai-provider.js";

/** A 200 whose content is no answer (no text, no candidate): the next model may do better. */
export class NoAnswerError extends Error {}

/**
 * Tries each model in order. Retrying one model (429/5xx with backoff, the
 * provider's requested wait honoured) is core's JSON client's job; this moves
 * on to the next model when that gives up, a per-day quota or a missing model
 * says waiting is pointless, or the model is too slow. A request the provider
 * refuses as such (bad key, bad request) stops at once: no model will do better.
 */
export async function generateWithFallback(
  provider: string,
  models: readonly string[],
  once: (model: string) => Promise<AiReply>,
): Promise<AiReply> {
  let last: unknown;
  for (const model of models) {
    try {
      return await once(model);
    } catch (error) {
      if (error instanceof HttpApiError && [400, 401, 403].includes(error.status)) {
        const auth = error.status !== 400;
        throw new AiProviderError(
          auth ? "AI_AUTH_FAILED" : "AI_BAD_REQUEST",
          provider,
          `${model} refused the request (HTTP ${error.status}${error.providerCode ? ` ${error.providerCode}` : ""})`,
          error.status,
        );
      }
      if (!(error instanceof HttpClientError) && !(error instanceof NoAnswerError)) throw error;
      last = error;
    }
  }
  const status = last instanceof HttpApiError ? last.status : null;
  const detail = last instanceof HttpClientError ? last.code : "no answer";
  throw new AiProviderError(
    "AI_UNAVAILABLE",
    provider,
    `no model answered (last: ${detail})`,
    status,
    {
      cause: last,
    },
  );
}

/** The options every AI provider here shares, with their defaults. */
export const fallbackOptionFields = {
  models: z
    .array(z.string().regex(/^[\w./:-]+$/, "must be a model name such as gemini-2.5-flash"))
    .min(1),
  timeoutMs: z.number().int().positive().max(600_000).default(30_000),
  maxAttemptsPerModel: z.number().int().min(1).max(10).default(3),
  retryBaseDelayMs: z.number().int().min(0).default(1000),
  maxRetryDelayMs: z.number().int().min(0).default(20_000),
  blockedReply: z
    .string()
    .min(1)
    .default(
      "Maaf, saya tidak dapat membantu dengan permintaan tersebut. Silakan ajukan pertanyaan lain.",
    ),
  sleep: sleepSchema.default(() => realSleep),
  random: callableSchema<() => number>().default(() => Math.random),
};

/** The options every AI provider here shares. */
export interface FallbackOptions {
  /** Tried in order; the next one is used when one is overloaded, out of quota, gone or too slow. */
  models: string[];
  /** Per attempt, headers and body together. Default 30 s. */
  timeoutMs?: number;
  /** Attempts per model on rate limits (not a used-up quota), 5xx and dropped connections. Default 3. */
  maxAttemptsPerModel?: number;
  /** Cap of the first backoff delay. Default 1 s. */
  retryBaseDelayMs?: number;
  /** A requested wait longer than this is not waited for: the next model is tried. Default 20 s. */
  maxRetryDelayMs?: number;
  /** Sent instead of an answer when the prompt or the answer is blocked. */
  blockedReply?: string;
  sleep?: Sleep;
  random?: () => number;
}

/** Core's client retry settings from the shared options. */
export function retrySettings(o: {
  maxAttemptsPerModel: number;
  retryBaseDelayMs: number;
  maxRetryDelayMs: number;
}) {
  return {
    limit: o.maxAttemptsPerModel - 1,
    statuses: [429, 500, 502, 503, 504],
    baseDelayMs: o.retryBaseDelayMs,
    maxDelayMs: o.maxRetryDelayMs,
  };
}
