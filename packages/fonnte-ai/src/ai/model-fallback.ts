import {
  callableSchema,
  RetryExhaustedError,
  realSleep,
  retry,
  type Sleep,
  sleepSchema,
} from "@lunas/core";
import { z } from "zod";
import { ServiceNetworkError, ServiceTimeoutError } from "../http/post-json.js";
import { AiProviderError } from "./ai-errors.js";
import type { AiReply } from "./ai-provider.js";

/** One failed attempt against one model, and what to do about it. */
export class AttemptFailure extends Error {
  constructor(
    /** retry: the same model again; fallback: the next model; stop: give up (no model will do better). */
    readonly next: "retry" | "fallback" | "stop",
    readonly httpStatus: number | null,
    readonly detail: string,
    /** How long the provider asked to wait (RetryInfo, Retry-After). */
    readonly retryDelayMs: number | null,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
  }
}

/** What a transport failure means for the model: a timeout moves on, a dropped connection retries. */
export function transportFailure(error: unknown): AttemptFailure {
  if (error instanceof ServiceTimeoutError) {
    // A slow model stays slow for a while: the next model is the better bet.
    return new AttemptFailure("fallback", null, "timeout", null, { cause: error });
  }
  if (error instanceof ServiceNetworkError) {
    return new AttemptFailure("retry", null, "network error", null, { cause: error });
  }
  throw error;
}

export interface FallbackPolicy {
  provider: string;
  models: readonly string[];
  maxAttemptsPerModel: number;
  retryBaseDelayMs: number;
  maxRetryDelayMs: number;
  sleep: Sleep;
  random: () => number;
  signal?: AbortSignal;
}

/**
 * Tries each model in order, retrying one with core's backoff while its
 * failures say "retry" (never sooner than the provider asked), moving to the
 * next model on "fallback" or when retries run out, and giving up at once on
 * "stop".
 */
export async function generateWithFallback(
  policy: FallbackPolicy,
  once: (model: string, signal: AbortSignal | undefined) => Promise<AiReply>,
): Promise<AiReply> {
  let last: AttemptFailure | undefined;
  for (const model of policy.models) {
    let hintMs = 0;
    try {
      return await retry((_, signal) => once(model, signal), {
        maxAttempts: policy.maxAttemptsPerModel,
        baseDelayMs: policy.retryBaseDelayMs,
        retryable: (error) => {
          if (!(error instanceof AttemptFailure) || error.next !== "retry") return false;
          // Waiting longer than allowed is worse than asking the next model now.
          if ((error.retryDelayMs ?? 0) > policy.maxRetryDelayMs) return false;
          hintMs = error.retryDelayMs ?? 0;
          return true;
        },
        sleep: (ms, signal) => policy.sleep(Math.max(ms, hintMs), signal),
        random: policy.random,
        ...(policy.signal ? { signal: policy.signal } : {}),
      });
    } catch (caught) {
      const error = caught instanceof RetryExhaustedError ? caught.cause : caught;
      if (!(error instanceof AttemptFailure)) throw error;
      last = error;
      if (error.next === "stop") {
        const auth = error.httpStatus === 401 || error.httpStatus === 403;
        throw new AiProviderError(
          auth ? "AI_AUTH_FAILED" : "AI_BAD_REQUEST",
          policy.provider,
          `${model} refused the request (${error.detail})`,
          error.httpStatus,
        );
      }
    }
  }
  throw new AiProviderError(
    "AI_UNAVAILABLE",
    policy.provider,
    `no model answered (last: ${last?.detail ?? "none"})`,
    last?.httpStatus ?? null,
    { cause: last },
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

/** The options every AI provider here shares (see `createGeminiProvider`). */
export interface FallbackOptions {
  /** Tried in order; the next one is used when one is overloaded, out of quota or gone. */
  models: string[];
  /** Per attempt, headers and body together. Default 30 s. */
  timeoutMs?: number;
  /** Attempts per model on rate limits (not a used-up quota) and 500/503/504. Default 3. */
  maxAttemptsPerModel?: number;
  /** First backoff delay. Default 1 s. */
  retryBaseDelayMs?: number;
  /** A requested delay longer than this is not waited for: the next model is tried. Default 20 s. */
  maxRetryDelayMs?: number;
  /** Sent instead of an answer when the prompt or the answer is blocked. */
  blockedReply?: string;
  sleep?: Sleep;
  random?: () => number;
}
