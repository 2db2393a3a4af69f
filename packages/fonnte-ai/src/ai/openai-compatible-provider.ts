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

export interface OpenAiCompatibleProviderOptions extends FallbackOptions {
  apiKey: string;
  /** The API root that `/chat/completions` hangs off, e.g. `https://api.openai.com/v1`. */
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

function retryAfterMs(headers: Headers): number | null {
  const value = headers.get("retry-after");
  if (value === null) return null;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : null;
}

function classify(answer: JsonAnswer): AttemptFailure {
  const { status } = answer;
  const parsed = errorBodySchema.safeParse(answer.body);
  const code = parsed.success ? (parsed.data.error.code ?? parsed.data.error.type ?? "") : "";
  const detail = `HTTP ${status}${code ? ` ${code}` : ""}`;
  if (status === 429) {
    // A used-up balance does not come back by waiting.
    const exhausted = /insufficient_quota|billing/i.test(code);
    return new AttemptFailure(exhausted ? "fallback" : "retry", status, detail, retryAfterMs(answer.headers));
  }
  if (status >= 500) return new AttemptFailure("retry", status, detail, retryAfterMs(answer.headers));
  if (status === 404) return new AttemptFailure("fallback", status, detail, null);
  return new AttemptFailure("stop", status, detail, null);
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
  const url = `${o.baseUrl.replace(/\/+$/, "")}/chat/completions`;

  async function once(model: string, request: AiRequest, signal?: AbortSignal): Promise<AiReply> {
    const messages = [
      ...(request.systemInstruction ? [{ role: "system", content: request.systemInstruction }] : []),
      ...request.history.map((m) => ({
        role: m.role === "model" ? "assistant" : "user",
        content: m.text,
      })),
      { role: "user", content: request.message },
    ];
    let answer: JsonAnswer;
    try {
      answer = await postJson({
        service: "openai",
        url,
        headers: { authorization: `Bearer ${o.apiKey}` },
        json: { ...o.parameters, model, messages },
        timeoutMs: o.timeoutMs,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      throw transportFailure(error);
    }
    if (answer.status !== 200) throw classify(answer);
    const parsed = answerSchema.safeParse(answer.body);
    if (!parsed.success) throw new AttemptFailure("retry", 200, "unreadable answer", null);
    const choice = parsed.data.choices[0]!;
    if (choice.finish_reason === "content_filter" || choice.message?.refusal) {
      return { text: o.blockedReply, model, blocked: true };
    }
    const text = (choice.message?.content ?? "").trim();
    if (text === "") throw new AttemptFailure("retry", 200, "empty answer", null);
    return { text, model, blocked: false };
  }

  return {
    generate: (request) =>
      generateWithFallback(
        {
          provider: "openai-compatible",
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
