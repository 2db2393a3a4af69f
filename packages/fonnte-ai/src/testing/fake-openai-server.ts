import type { IncomingMessage } from "node:http";
import {
  type FakeAnswer,
  FakeHttpService,
  FaultScript,
  type RecordedCall,
  type TransportFault,
} from "./fake-http-service.js";

/** A scripted chat-completions failure of one model. */
export type OpenAiFault =
  | { kind: "http"; status: number; code?: string; retryAfterSeconds?: number }
  | { kind: "content-filter" }
  | TransportFault;

export interface OpenAiCall {
  model: string;
  messages: { role: string; content: string }[];
  body: Record<string, unknown>;
}

export interface FakeOpenAiServerOptions {
  /** Clients must send `Authorization: Bearer <apiKey>`. Default `fake-openai-key`. */
  apiKey?: string;
  latencyMs?: number;
  /** Default: `Jawaban untuk: <last user content>`. */
  reply?: (call: OpenAiCall) => string;
}

/**
 * An OpenAI-compatible `POST /v1/chat/completions` on real HTTP; point the
 * provider's `baseUrl` at `server.url + "/v1"`.
 */
export class FakeOpenAiServer extends FakeHttpService {
  readonly apiKey: string;
  readonly requests: OpenAiCall[] = [];
  reply: (call: OpenAiCall) => string;
  readonly #faults = new Map<string, FaultScript<OpenAiFault>>();

  private constructor(options: FakeOpenAiServerOptions) {
    super(options.latencyMs ?? 0);
    this.apiKey = options.apiKey ?? "fake-openai-key";
    this.reply =
      options.reply ?? ((call) => `Jawaban untuk: ${call.messages.at(-1)?.content ?? ""}`);
  }

  static start(options: FakeOpenAiServerOptions = {}): Promise<FakeOpenAiServer> {
    return new FakeOpenAiServer(options).listen();
  }

  failNext(model: string, fault: OpenAiFault, times = 1): void {
    let script = this.#faults.get(model);
    if (!script) {
      script = new FaultScript<OpenAiFault>();
      this.#faults.set(model, script);
    }
    script.add(fault, times);
  }

  protected answer(call: RecordedCall, raw: IncomingMessage): FakeAnswer | TransportFault {
    if (call.method !== "POST" || call.path !== "/v1/chat/completions") {
      return { status: 404, body: { error: { message: "Not found", code: "not_found" } } };
    }
    if (raw.headers.authorization !== `Bearer ${this.apiKey}`) {
      return {
        status: 401,
        body: { error: { message: "Incorrect API key", code: "invalid_api_key" } },
      };
    }
    const body = (call.body ?? {}) as Record<string, unknown>;
    const decoded: OpenAiCall = {
      model: String(body.model ?? ""),
      messages: Array.isArray(body.messages)
        ? (body.messages as { role?: string; content?: string }[]).map((m) => ({
            role: m.role ?? "",
            content: m.content ?? "",
          }))
        : [],
      body,
    };
    this.requests.push(decoded);
    const fault = this.#faults.get(decoded.model)?.take();
    if (fault) {
      if (fault.kind === "http") {
        return {
          status: fault.status,
          body: { error: { message: "failed", code: fault.code ?? null, type: "server_error" } },
          ...(fault.retryAfterSeconds !== undefined
            ? { headers: { "retry-after": String(fault.retryAfterSeconds) } }
            : {}),
        };
      }
      if (fault.kind === "content-filter") {
        return {
          status: 200,
          body: {
            id: "chatcmpl-fake",
            object: "chat.completion",
            model: decoded.model,
            choices: [
              {
                index: 0,
                message: { role: "assistant", content: null },
                finish_reason: "content_filter",
              },
            ],
          },
        };
      }
      return fault;
    }
    return {
      status: 200,
      body: {
        id: "chatcmpl-fake",
        object: "chat.completion",
        model: decoded.model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: this.reply(decoded) },
            finish_reason: "stop",
          },
        ],
      },
    };
  }
}
