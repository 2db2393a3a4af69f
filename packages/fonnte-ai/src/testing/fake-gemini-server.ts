import {
  type FakeAnswer,
  FakeHttpService,
  FaultScript,
  type RecordedCall,
  type TransportFault,
} from "./fake-http-service.js";

/** A scripted `generateContent` failure of one model. */
export type GeminiFault =
  /** HTTP error in Gemini's `{ error: { code, status, message, details } }` shape. */
  | { kind: "http"; status: 500 | 503 | 504 | 400 | 403 | 404 }
  /** HTTP 429 RESOURCE_EXHAUSTED with `RetryInfo.retryDelay` (e.g. `"2s"`); `perDay` names a per-day quota. */
  | { kind: "rate-limited"; retryDelay?: string; perDay?: boolean }
  /** `promptFeedback.blockReason` and no candidates. */
  | { kind: "blocked-prompt"; blockReason?: string }
  /** A candidate that stopped for safety (`finishReason: "SAFETY"`). */
  | { kind: "safety-stop" }
  | TransportFault;

/** What the fake was asked, decoded. */
export interface GeminiCall {
  model: string;
  systemInstruction: string | null;
  contents: { role: string; text: string }[];
  generationConfig: unknown;
}

export interface FakeGeminiServerOptions {
  /** Clients must send it as `x-goog-api-key`. Default `fake-gemini-key`. */
  apiKey?: string;
  latencyMs?: number;
  /** The answer's text. Default: `Jawaban untuk: <last user text>`. */
  reply?: (call: GeminiCall) => string;
}

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const googleError = (code: number, message: string, details: unknown[] = []) => ({
  error: { code, message, status: STATUS_NAMES[code] ?? "UNKNOWN", details },
});

/**
 * Gemini's REST `POST /v1beta/models/{model}:generateContent` on real HTTP,
 * with failures scripted per model (`failNext("gemini-2.5-flash", …)`).
 */
export class FakeGeminiServer extends FakeHttpService {
  readonly apiKey: string;
  /** Every generateContent call, decoded, in order (failed ones included). */
  readonly requests: GeminiCall[] = [];
  reply: (call: GeminiCall) => string;
  readonly #faults = new Map<string, FaultScript<GeminiFault>>();

  private constructor(options: FakeGeminiServerOptions) {
    super(options.latencyMs ?? 0);
    this.apiKey = options.apiKey ?? "fake-gemini-key";
    this.reply = options.reply ?? ((call) => `Jawaban untuk: ${call.contents.at(-1)?.text ?? ""}`);
  }

  static start(options: FakeGeminiServerOptions = {}): Promise<FakeGeminiServer> {
    return new FakeGeminiServer(options).listen();
  }

  /** The next `times` calls to `model` fail with `fault`. */
  failNext(model: string, fault: GeminiFault, times = 1): void {
    let script = this.#faults.get(model);
    if (!script) {
      script = new FaultScript<GeminiFault>();
      this.#faults.set(model, script);
    }
    script.add(fault, times);
  }

  /** Calls made to `model`. */
  callsTo(model: string): GeminiCall[] {
    return this.requests.filter((r) => r.model === model);
  }

  protected answer(
    call: RecordedCall,
    raw: import("node:http").IncomingMessage,
  ): FakeAnswer | TransportFault {
    const match = call.path.match(/^\/v1beta\/models\/([^/:]+):generateContent$/);
    if (call.method !== "POST" || !match) {
      return { status: 404, body: googleError(404, "Not found") };
    }
    const model = decodeURIComponent(match[1]!);
    if (raw.headers["x-goog-api-key"] !== this.apiKey) {
      return { status: 403, body: googleError(403, "API key not valid") };
    }
    const body = (call.body ?? {}) as {
      systemInstruction?: { parts?: { text?: string }[] };
      contents?: { role?: string; parts?: { text?: string }[] }[];
      generationConfig?: unknown;
    };
    const decoded: GeminiCall = {
      model,
      systemInstruction: body.systemInstruction?.parts?.map((p) => p.text ?? "").join("") ?? null,
      contents: (body.contents ?? []).map((c) => ({
        role: c.role ?? "",
        text: (c.parts ?? []).map((p) => p.text ?? "").join(""),
      })),
      generationConfig: body.generationConfig,
    };
    this.requests.push(decoded);
    const fault = this.#faults.get(model)?.take();
    if (fault) return this.#fault(fault);
    return {
      status: 200,
      body: {
        candidates: [
          {
            content: { role: "model", parts: [{ text: this.reply(decoded) }] },
            finishReason: "STOP",
            index: 0,
          },
        ],
        usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 10, totalTokenCount: 20 },
        modelVersion: model,
      },
    };
  }

  #fault(fault: GeminiFault): FakeAnswer | TransportFault {
    switch (fault.kind) {
      case "http":
        return {
          status: fault.status,
          body: googleError(fault.status, "The model is overloaded."),
        };
      case "rate-limited":
        return {
          status: 429,
          body: googleError(429, "You exceeded your current quota.", [
            {
              "@type": "type.googleapis.com/google.rpc.QuotaFailure",
              violations: [
                {
                  quotaMetric:
                    "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                  quotaId: fault.perDay
                    ? "GenerateRequestsPerDayPerProjectPerModel-FreeTier"
                    : "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                },
              ],
            },
            ...(fault.retryDelay
              ? [
                  {
                    "@type": "type.googleapis.com/google.rpc.RetryInfo",
                    retryDelay: fault.retryDelay,
                  },
                ]
              : []),
          ]),
        };
      case "blocked-prompt":
        return {
          status: 200,
          body: { promptFeedback: { blockReason: fault.blockReason ?? "SAFETY" } },
        };
      case "safety-stop":
        return {
          status: 200,
          body: {
            candidates: [
              { content: { role: "model", parts: [] }, finishReason: "SAFETY", index: 0 },
            ],
          },
        };
      default:
        return fault;
    }
  }
}
