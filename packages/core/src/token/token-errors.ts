import { LunasError } from "../errors/lunas-error.js";

/**
 * `fetchToken` (the provider login) failed or returned something unusable.
 * The original error is `cause`; the message never contains a token.
 */
export class TokenFetchError extends LunasError {
  readonly key: string;

  constructor(key: string, message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? "TOKEN_FETCH_FAILED", message, { cause: options?.cause });
    this.key = key;
  }
}

/** `fetchToken` did not settle within `fetchTimeoutMs`; it was aborted through its signal. */
export class TokenFetchTimeoutError extends TokenFetchError {
  readonly timeoutMs: number;

  constructor(key: string, timeoutMs: number) {
    super(
      key,
      `Login for token ${JSON.stringify(key)} took longer than ${timeoutMs} ms and was aborted; check the provider or raise fetchTimeoutMs`,
      { code: "TOKEN_FETCH_TIMEOUT" },
    );
    this.timeoutMs = timeoutMs;
  }
}

/** A token store's backend (Supabase/PostgREST) answered with an error. */
export class TokenStoreError extends LunasError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("TOKEN_STORE_FAILED", message, options);
  }
}
