import {
  type AnswerVerdict,
  createJsonHttpClient,
  type HttpAnswer,
  HttpApiError,
  type HttpClientError,
  HttpNetworkError,
  HttpResponseError,
  HttpTimeoutError,
  parseInput,
  RetryExhaustedError,
  realSleep,
  retry,
  type Sleep,
} from "@lunas/core";
import { callableSchema, sleepSchema } from "@lunas/core/validation";
import { z } from "zod";
import {
  FonnteNetworkError,
  FonnteResponseError,
  FonnteTimeoutError,
  fonnteErrorFor,
} from "./fonnte-errors.js";
import type { OutgoingMessage, WhatsAppSender } from "./whatsapp-sender.js";

/** Fonnte's `/send` options (https://docs.fonnte.com/api-send-message). */
export interface FonnteSendInput extends OutgoingMessage {
  /** Replaces a leading 0 in `target` with this code; `"0"` turns that off. Fonnte's default is 62. */
  countryCode?: string;
  /** Shows "typing…" before the message. */
  typing?: boolean;
  /** Seconds to wait, or a random range such as `"1-10"`. */
  delay?: string;
  /** Unix timestamp (seconds) to send at. */
  schedule?: number;
  /** A file, image, audio or video to attach. */
  url?: string;
  filename?: string;
  /** `"lat,long"`. */
  location?: string;
  /** Send only while the device is connected, instead of queueing for later. */
  connectOnly?: boolean;
}

export interface FonnteSendResult {
  /** Fonnte's message ids, one per target. */
  ids: string[];
  /** The targets as Fonnte normalised them. */
  targets: string[];
  /** Fonnte's id of this request (in every answer), for its support. */
  requestId: string | null;
  /** `detail` as Fonnte wrote it ("success! message in queue"). */
  detail: string | null;
}

export interface FonnteClientOptions {
  /** The device token. Sent only in the Authorization header; never in errors or logs. */
  token: string;
  /** Default `https://api.fonnte.com`. */
  baseUrl?: string;
  /** Per attempt, headers and body together. Default 15 s. */
  timeoutMs?: number;
  /**
   * Attempts when Fonnte says it did not take the message for a passing reason
   * (device disconnected, rate limit, HTTP 429/5xx). Timeouts and dropped
   * connections are not retried: Fonnte may have queued the message already.
   * Default 3.
   */
  maxAttempts?: number;
  /** First backoff delay. Default 1 s. */
  retryBaseDelayMs?: number;
  sleep?: Sleep;
  random?: () => number;
}

export interface FonnteClient extends WhatsAppSender {
  send(input: FonnteSendInput, options?: { signal?: AbortSignal }): Promise<FonnteSendResult>;
}

const optionsSchema = z.strictObject({
  token: z.string().min(1),
  baseUrl: z.url().default("https://api.fonnte.com"),
  timeoutMs: z.number().int().positive().max(600_000).default(15_000),
  maxAttempts: z.number().int().min(1).max(10).default(3),
  retryBaseDelayMs: z.number().int().min(0).default(1000),
  sleep: sleepSchema.default(() => realSleep),
  random: callableSchema<() => number>().default(() => Math.random),
});

const sendSchema = z.strictObject({
  target: z.string().min(1).max(10_000),
  message: z.string().max(60_000),
  inboxid: z.string().min(1).optional(),
  countryCode: z
    .string()
    .regex(/^\d{1,4}$/)
    .optional(),
  typing: z.boolean().optional(),
  delay: z
    .string()
    .regex(/^\d+(-\d+)?$/)
    .optional(),
  schedule: z.number().int().min(0).optional(),
  url: z.url().optional(),
  filename: z.string().min(1).optional(),
  location: z.string().min(1).optional(),
  connectOnly: z.boolean().optional(),
});

const idList = z
  .union([z.array(z.union([z.string(), z.number()])), z.string(), z.number()])
  .transform((v) => (Array.isArray(v) ? v : [v]).map(String));

// Fonnte spells the flag `status` and, in some answers, `Status`.
const answerSchema = z.looseObject({
  status: z.boolean().optional(),
  Status: z.boolean().optional(),
  reason: z.string().optional(),
  Reason: z.string().optional(),
  detail: z.string().optional(),
  id: idList.optional(),
  target: idList.optional(),
  requestid: z.union([z.string(), z.number()]).optional(),
});

/** Fonnte's envelope: `status` (or `Status`) says whether the request was taken, whatever the HTTP status. */
function readFonnteAnswer(answer: HttpAnswer): AnswerVerdict {
  const parsed = answerSchema.safeParse(answer.body);
  if (!parsed.success) {
    if (answer.status >= 400) return { failure: { providerCode: `HTTP ${answer.status}` } };
    return { unreadable: [{ path: "(root)", message: "not Fonnte's JSON answer" }] };
  }
  const body = parsed.data;
  if ((body.status ?? body.Status) === true && answer.status < 400) return { data: body };
  const reason = body.reason ?? body.Reason ?? body.detail ?? `HTTP ${answer.status}`;
  return { failure: { providerCode: reason, message: reason } };
}

/** Core's client errors, as Fonnte's own classes with Fonnte's codes. */
function toFonnteError(error: HttpClientError): Error {
  if (error instanceof HttpApiError) {
    return fonnteErrorFor(error.providerCode ?? `HTTP ${error.status}`, error.status, error.body);
  }
  if (error instanceof HttpTimeoutError) {
    return new FonnteTimeoutError(error.timeoutMs, error.message, {
      code: "FONNTE_TIMEOUT",
      cause: error,
    });
  }
  if (error instanceof HttpNetworkError) {
    return new FonnteNetworkError(error.message, {
      code: "FONNTE_NETWORK_ERROR",
      cause: error.cause,
    });
  }
  if (error instanceof HttpResponseError) {
    return new FonnteResponseError(error.status, error.message, {
      code: "FONNTE_BAD_RESPONSE",
      issues: error.issues,
    });
  }
  return error;
}

/**
 * Sends WhatsApp messages through Fonnte's `/send`, on core's JSON HTTP client
 * (timeout over the whole answer, the token redacted from every error). A
 * refusal Fonnte calls passing is retried with core's backoff; one that will
 * repeat (token, quota, target, input) is thrown at once as `FonnteApiError`.
 */
export function createFonnteClient(options: FonnteClientOptions): FonnteClient {
  const o = parseInput(optionsSchema, options, "Fonnte client options");
  const http = createJsonHttpClient({
    service: "Fonnte",
    baseUrl: o.baseUrl,
    auth: { type: "header", name: "authorization", value: o.token },
    timeoutMs: o.timeoutMs,
    parseAnswer: readFonnteAnswer,
    mapError: toFonnteError,
    sleep: o.sleep,
    random: o.random,
  });

  return {
    async send(input, callOptions = {}) {
      const checked = parseInput(sendSchema, input, "Fonnte send input");
      try {
        const body = await retry(
          (_, signal) =>
            http.request({
              method: "POST",
              path: "send",
              what: "Send a WhatsApp message",
              json: checked,
              // One attempt per call: only Fonnte's own "not taken" is safe to repeat,
              // which the loop around it decides; a dropped answer may hide a queued message.
              retry: false,
              schema: answerSchema,
              ...(signal ? { signal } : {}),
            }),
          {
            maxAttempts: o.maxAttempts,
            baseDelayMs: o.retryBaseDelayMs,
            retryable: (error) => (error as { transient?: unknown }).transient === true,
            sleep: o.sleep,
            random: o.random,
            ...(callOptions.signal ? { signal: callOptions.signal } : {}),
          },
        );
        return {
          ids: body.id ?? [],
          targets: body.target ?? [],
          requestId: body.requestid === undefined ? null : String(body.requestid),
          detail: body.detail ?? null,
        };
      } catch (error) {
        // Callers branch on Fonnte's reason, not on how many tries it took.
        throw error instanceof RetryExhaustedError ? error.cause : error;
      }
    },
  };
}
