import { type AnswerVerdict, createJsonHttpClient, type HttpAnswer, parseInput } from "@lunas/core";
import { z } from "zod";
import type { AiProvider, AiReply, AiRequest } from "./ai-provider.js";
import {
  type FallbackOptions,
  fallbackOptionFields,
  generateWithFallback,
  NoAnswerError,
  retrySettings,
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
              .array(
                z.looseObject({ text: z.string().optional(), thought: z.boolean().optional() }),
              )
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

/** "37s", "1.5s" → ms (a google.protobuf.Duration in JSON). */
function durationMs(text: string | undefined): number | undefined {
  const match = text?.match(/^(\d+(?:\.\d+)?)s$/);
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

/**
 * Gemini's error body: `RetryInfo.retryDelay` is the wait it asks for, and a
 * `QuotaFailure` on a per-day quota is not worth retrying (it resets tomorrow).
 */
function readGeminiAnswer(answer: HttpAnswer): AnswerVerdict {
  if (answer.status >= 200 && answer.status < 300) return { data: answer.body };
  const parsed = errorBodySchema.safeParse(answer.body);
  const error = parsed.success ? parsed.data.error : undefined;
  const details = error?.details ?? [];
  const retryAfterMs = durationMs(
    details.find((d) => d["@type"]?.endsWith("google.rpc.RetryInfo"))?.retryDelay,
  );
  const perDay = details.some((d) =>
    (d.violations ?? []).some((v) => /PerDay/i.test(v.quotaId ?? "")),
  );
  return {
    failure: {
      ...(error?.status ? { providerCode: error.status } : {}),
      ...(error?.message ? { message: error.message } : {}),
      ...(perDay ? { retryable: false } : {}),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  };
}

/**
 * `AiProvider` over Gemini's REST `generateContent`: `systemInstruction`,
 * `contents` with roles user/model, `generationConfig`. On core's JSON client:
 * each model is retried on 429/5xx with backoff, never sooner than Gemini's
 * `RetryInfo` asks; a per-day quota, a missing model, a timeout or used-up
 * retries move on to the next model. A blocked prompt or a safety stop answers
 * `blockedReply`. The key travels in `x-goog-api-key`, never in the URL, and is
 * redacted from every error.
 */
export function createGeminiProvider(options: GeminiProviderOptions): AiProvider {
  const o = parseInput(optionsSchema, options, "Gemini provider options");
  const http = createJsonHttpClient({
    service: "Gemini",
    baseUrl: o.baseUrl,
    auth: { type: "header", name: "x-goog-api-key", value: o.apiKey },
    timeoutMs: o.timeoutMs,
    retry: retrySettings(o),
    parseAnswer: readGeminiAnswer,
    sleep: o.sleep,
    random: o.random,
  });

  async function once(model: string, request: AiRequest): Promise<AiReply> {
    const { candidates, promptFeedback } = await http.request({
      method: "POST",
      path: `v1beta/models/${model}:generateContent`,
      what: `Gemini ${model} generateContent`,
      // Generating changes nothing on Gemini's side: safe to repeat.
      safeToRepeat: true,
      json: {
        ...(request.systemInstruction
          ? { systemInstruction: { parts: [{ text: request.systemInstruction }] } }
          : {}),
        contents: [
          ...request.history.map((m) => ({ role: m.role, parts: [{ text: m.text }] })),
          { role: "user", parts: [{ text: request.message }] },
        ],
        ...(o.generationConfig ? { generationConfig: o.generationConfig } : {}),
      },
      schema: answerSchema,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    if (promptFeedback?.blockReason) return { text: o.blockedReply, model, blocked: true };
    const candidate = candidates?.[0];
    if (candidate?.finishReason && BLOCKING_FINISH.has(candidate.finishReason)) {
      return { text: o.blockedReply, model, blocked: true };
    }
    const text = (candidate?.content?.parts ?? [])
      .filter((part) => part.thought !== true)
      .map((part) => part.text ?? "")
      .join("")
      .trim();
    if (text === "") throw new NoAnswerError(`${model} answered without text`);
    return { text, model, blocked: false };
  }

  return {
    generate: (request) =>
      generateWithFallback("gemini", o.models, (model) => once(model, request)),
  };
}
