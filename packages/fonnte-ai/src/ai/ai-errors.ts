import { LunasError } from "@lunas/core";

export type AiProviderErrorCode =
  /** The key is wrong or lacks access (HTTP 401/403): no model will do better. */
  | "AI_AUTH_FAILED"
  /** The request was refused as malformed (HTTP 400). */
  | "AI_BAD_REQUEST"
  /** Every model was tried and none answered (rate limits, overload, quota, timeouts). */
  | "AI_UNAVAILABLE"
  /** The answer was not in the provider's shape. */
  | "AI_BAD_RESPONSE";

/** No answer from the AI provider. The API key never appears in it. */
export class AiProviderError extends LunasError {
  declare readonly code: AiProviderErrorCode;
  readonly provider: string;
  /** The last HTTP status seen, when there was one. */
  readonly httpStatus: number | null;

  constructor(
    code: AiProviderErrorCode,
    provider: string,
    message: string,
    httpStatus: number | null,
    options?: { cause?: unknown },
  ) {
    super(code, `${provider}: ${message}`, options);
    this.provider = provider;
    this.httpStatus = httpStatus;
  }
}
