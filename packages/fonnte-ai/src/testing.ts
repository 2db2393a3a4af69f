// Fakes and builders for tests and demos. Loads without vitest (the suites are
// in `@lunas/fonnte-ai/conformance`); the fake servers need Node's http.

export {
  FakeFonnteServer,
  type FakeFonnteServerOptions,
  type FonnteFault,
  type FonnteSentMessage,
} from "./testing/fake-fonnte-server.js";
export {
  FakeGeminiServer,
  type FakeGeminiServerOptions,
  type GeminiCall,
  type GeminiFault,
} from "./testing/fake-gemini-server.js";
export {
  type FakeAnswer,
  FakeHttpService,
  type RecordedCall,
  type TransportFault,
} from "./testing/fake-http-service.js";
export {
  FakeOpenAiServer,
  type FakeOpenAiServerOptions,
  type OpenAiCall,
  type OpenAiFault,
} from "./testing/fake-openai-server.js";
export { buildFonnteWebhook, fonnteWebhookRequest } from "./testing/webhook-builders.js";
