import { parseInput } from "@lunas/core";
import { z } from "zod";
import { type JsonAnswer, postJson } from "../http/post-json.js";
import type { AiProvider, AiReply, AiRequest } from "./ai-provider.js";
import {
  AttemptFailure,
  type FallbackOptions,
  fallbackOptionFields,
  generateWithFallback,
  transportFailure,
} from "./model-fallback.js";

export interface GeminiProviderOptions extends FallbackOptions {
  apiKey: string;
  /** Default `https://generativelanguage.googleapis.com`. */
  baseUrl?: string;
  /** Gemini's `generationConfig` (temperature, maxOutputTokens, …), passed as is. */
  generationConfig?: Record<string, unknown>;
}

const optionsSchema = z.strictObject({
  ...fallbackOptionFields,
  apiKey: z.string().min(1),
  baseUrl: z.url().default("https://generativelanguage.googleapis.com"),
  generationConfig: z.record(z.string(), z.unknown()).optional(),
});

const detailSchema = z.looseObject({
  "@type": z.string().optional(),
  retryDelay: z.string().optional(),
  violations: z.array(z.looseObject({ quotaId: z.string().optional() })).optional(),
});
const errorBodySchema = z.looseObject({
  error: z.looseObject({
    code: z.number().optional(),
    status: z.string().optional(),
    message: z.string().optional(),
    details: z.array(detailSchema).optional(),
  }),
});
const answerSchema = z.looseObject({
  candidates: z
    .array(
      z.looseObject({
        content: z
          .looseObject({
            parts: z
              .array(z.looseObject({ text: z.string().optional(), thought: z.boolean().optional() }))
              .optional(),
          })
          .optional(),
        finishReason: z.string().optional(),
      }),
    )
    .optional(),
  promptFeedback: z.looseObject({ blockReason: z.string().optional() }).optional(),
});

const BLOCKING_FINISH = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
]);

/** "37s", "1.5s" → ms (google.protobuf.Duration in JSON). */
function durationMs(text: string | undefined): number | null {
  const match = text?.match(/^(\d+(?:\.\d+)?)s$/);
  return match ? Math.round(Number(match[1]) * 1000) : null;
}

function classify(status: number, body: unknown): AttemptFailure {
  const parsed = errorBodySchema.safeParse(body);
  const error = parsed.success ? parsed.data.error : undefined;
  const detail = `HTTP ${status}${error?.status ? ` ${error.status}` : ""}`;
  const details = error?.details ?? [];
  const retryDelayMs = durationMs(
    details.find((d) => d["@type"]?.endsWith("google.rpc.RetryInfo"))?.retryDelay,
  );
  if (status === 429) {
    // A per-day quota only resets tomorrow: waiting is pointless, another model may have its own.
    const perDay = details.some((d) =>
      (d.violations ?? []).some((v) => /PerDay/i.test(v.quotaId ?? "")),
    );
    return new AttemptFailure(perDay ? "fallback" : "retry", status, detail, retryDelayMs);
  }
  if (status === 500 || status === 503 || status === 504) {
    return new AttemptFailure("retry", status, detail, retryDelayMs);
  }
  // 404: the model name is retired or misspelt; the next model may exist.
  if (status === 404) return new AttemptFailure("fallback", status, detail, null);
  return new AttemptFailure("stop", status, detail, null);
}

/**
 * `AiProvider` over Gemini's REST `generateContent`: `systemInstruction`,
 * `contents` with roles user/model, `generationConfig`. Each model is tried
 * with backoff on 429/5xx, waiting at least what Gemini's `RetryInfo` asks;
 * a per-day quota, a missing model, a timeout or used-up retries move on to
 * the next model. A blocked prompt or a safety stop answers `blockedReply`.
 * The key travels in the `x-goog-api-key` header, never in the URL.
 */
export function createGeminiProvider(options: GeminiProviderOptions): AiProvider {
  const o = parseInput(optionsSchema, options, "Gemini provider options");

  async function once(model: string, request: AiRequest, signal?: AbortSignal): Promise<AiReply> {
    const body = {
      ...(request.systemInstruction
        ? { systemInstruction: { parts: [{ text: request.systemInstruction }] } }
        : {}),
      contents: [
        ...request.history.map((m) => ({ role: m.role, parts: [{ text: m.text }] })),
        { role: "user", parts: [{ text: request.message }] },
      ],
      ...(o.generationConfig ? { generationConfig: o.generationConfig } : {}),
    };
    let answer: JsonAnswer;
    try {
      answer = await postJson({
        service: "gemini",
        url: new URL(`/v1beta/models/${model}:generateContent`, o.baseUrl).toString(),
        headers: { "x-goog-api-key": o.apiKey },
        json: body,
        timeoutMs: o.timeoutMs,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      throw transportFailure(error);
    }
    if (answer.status !== 200) throw classify(answer.status, answer.body);
    const parsed = answerSchema.safeParse(answer.body);
    if (!parsed.success) throw new AttemptFailure("retry", 200, "unreadable answer", null);
    const { candidates, promptFeedback } = parsed.data;
    if (promptFeedback?.blockReason) return { text: o.blockedReply, model, blocked: true };
    const candidate = candidates?.[0];
    const text = (candidate?.content?.parts ?? [])
      .filter((part) => part.thought !== true)
      .map((part) => part.text ?? "")
      .join("")
      .trim();
    if (candidate?.finishReason && BLOCKING_FINISH.has(candidate.finishReason)) {
      return { text: o.blockedReply, model, blocked: true };
    }
    if (text === "") throw new AttemptFailure("retry", 200, "empty answer", null);
    return { text, model, blocked: false };
  }

  return {
    generate: (request) =>
      generateWithFallback(
        {
          provider: "gemini",
          models: o.models,
          maxAttemptsPerModel: o.maxAttemptsPerModel,
          retryBaseDelayMs: o.retryBaseDelayMs,
          maxRetryDelayMs: o.maxRetryDelayMs,
          sleep: o.sleep,
          random: o.random,
          ...(request.signal ? { signal: request.signal } : {}),
        },
        (model, signal) => once(model, request, signal),
      ),
  };
}
