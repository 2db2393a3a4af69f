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

export interface OpenAiCompatibleProviderOptions extends FallbackOptions {
  apiKey: string;
  /** The API root that `chat/completions` hangs off, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  /** Extra body fields (temperature, max_tokens, …), passed as is. */
  parameters?: Record<string, unknown>;
}

const optionsSchema = z.strictObject({
  ...fallbackOptionFields,
  apiKey: z.string().min(1),
  baseUrl: z.url(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

const answerSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        message: z
          .looseObject({ content: z.string().nullish(), refusal: z.string().nullish() })
          .optional(),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
});
const errorBodySchema = z.looseObject({
  error: z.looseObject({ code: z.string().nullish(), type: z.string().nullish() }),
});

/** A used-up balance does not come back by waiting: not retried (core reads `Retry-After` itself). */
function readOpenAiAnswer(answer: HttpAnswer): AnswerVerdict {
  if (answer.status >= 200 && answer.status < 300) return { data: answer.body };
  const parsed = errorBodySchema.safeParse(answer.body);
  const code = parsed.success
    ? (parsed.data.error.code ?? parsed.data.error.type ?? undefined)
    : undefined;
  return {
    failure: {
      ...(code ? { providerCode: code } : {}),
      ...(code && /insufficient_quota|billing/i.test(code) ? { retryable: false } : {}),
    },
  };
}

/**
 * `AiProvider` over any OpenAI-compatible `POST /chat/completions` (OpenAI,
 * OpenRouter, Groq, DeepSeek, a local vLLM or Ollama). Same fallback and retry
 * rules as the Gemini adapter, with `Retry-After` as the provider's wait; a
 * `content_filter` stop or a refusal answers `blockedReply`.
 */
export function createOpenAiCompatibleProvider(
  options: OpenAiCompatibleProviderOptions,
): AiProvider {
  const o = parseInput(optionsSchema, options, "OpenAI-compatible provider options");
  const http = createJsonHttpClient({
    service: "OpenAI-compatible API",
    baseUrl: o.baseUrl,
    auth: { type: "bearer", token: o.apiKey },
    timeoutMs: o.timeoutMs,
    retry: retrySettings(o),
    parseAnswer: readOpenAiAnswer,
    sleep: o.sleep,
    random: o.random,
  });

  async function once(model: string, request: AiRequest): Promise<AiReply> {
    const messages = [
      ...(request.systemInstruction
        ? [{ role: "system", content: request.systemInstruction }]
        : []),
      ...request.history.map((m) => ({
        role: m.role === "model" ? "assistant" : "user",
        content: m.text,
      })),
      { role: "user", content: request.message },
    ];
    const { choices } = await http.request({
      method: "POST",
      path: "chat/completions",
      what: `${model} chat completion`,
      safeToRepeat: true,
      json: { ...o.parameters, model, messages },
      schema: answerSchema,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const choice = choices[0]!;
    if (choice.finish_reason === "content_filter" || choice.message?.refusal) {
      return { text: o.blockedReply, model, blocked: true };
    }
    const text = (choice.message?.content ?? "").trim();
    if (text === "") throw new NoAnswerError(`${model} answered without text`);
    return { text, model, blocked: false };
  }

  return {
    generate: (request) =>
      generateWithFallback("openai-compatible", o.models, (model) => once(model, request)),
  };
}
