import type { ChatMessage } from "../session/session-store.js";

export interface AiRequest {
  /** The system prompt (with the app's context already added). */
  systemInstruction?: string;
  /** Earlier messages, oldest first, starting with a user message. */
  history: readonly ChatMessage[];
  /** The new user message. */
  message: string;
  signal?: AbortSignal;
}

export interface AiReply {
  text: string;
  /** The model that answered (after any fallback). */
  model: string;
  /**
   * The prompt or the answer was blocked (safety, recitation…): `text` is the
   * configured polite reply, and the exchange should not enter the history.
   */
  blocked: boolean;
}

/** The model behind the bridge. Rejects with `AiProviderError` when no model could answer. */
export interface AiProvider {
  generate(request: AiRequest): Promise<AiReply>;
}
