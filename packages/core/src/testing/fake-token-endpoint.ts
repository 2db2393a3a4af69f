import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import { callableSchema } from "../input/injected-schemas.js";
import type { FetchedToken } from "../token/token-provider.js";

export interface FakeTokenEndpointOptions {
  /** Sent as `expiresIn` (seconds) with every token; omitted when undefined. */
  expiresIn?: number;
  /** Runs inside each login before it answers, e.g. a `ManualClock.sleep` to hold it open. */
  delay?: (signal: AbortSignal) => Promise<void>;
}

/** An error shaped like ky's HTTPError for a 401, which the provider's default `isAuthError` recognizes. */
export class FakeUnauthorizedError extends Error {
  readonly status = 401;
  readonly response = { status: 401 };
  constructor() {
    super("401 Unauthorized");
    this.name = "FakeUnauthorizedError";
  }
}

/**
 * A provider's login and API in miniature, for tests of code that uses
 * `createTokenProvider`: counts logins, issues `token-1`, `token-2`, ..., and
 * answers `call(token)` with a 401 unless the token is the latest one still valid.
 */
export class FakeTokenEndpoint {
  logins = 0;
  readonly issued: string[] = [];
  #revoked = new Set<string>();
  #failures: unknown[] = [];
  readonly #options: FakeTokenEndpointOptions;

  constructor(options: FakeTokenEndpointOptions = {}) {
    // Strict: a misspelt `delay` would quietly make every login answer at once.
    this.#options = parseInput(
      z.strictObject({
        expiresIn: z.number().positive().optional(),
        delay: callableSchema<(signal: AbortSignal) => Promise<void>>().optional(),
      }),
      options,
      "FakeTokenEndpoint options",
    );
  }

  /** Pass as `fetchToken`. */
  readonly fetchToken = async (signal: AbortSignal): Promise<FetchedToken> => {
    this.logins += 1;
    await this.#options.delay?.(signal);
    signal.throwIfAborted();
    const failure = this.#failures.shift();
    if (failure !== undefined) throw failure;
    const token = `token-${this.issued.length + 1}`;
    this.issued.push(token);
    return this.#options.expiresIn === undefined
      ? { token }
      : { token, expiresIn: this.#options.expiresIn };
  };

  /** The next login throws `error` instead of answering. */
  failNextLogin(error: unknown): void {
    this.#failures.push(error);
  }

  /** Every token issued so far is rejected from now on, as after a password change. */
  revokeAll(): void {
    for (const token of this.issued) this.#revoked.add(token);
  }

  /** An API call: resolves with the token's name, or throws `FakeUnauthorizedError`. */
  async call(token: string): Promise<string> {
    if (!this.issued.includes(token) || this.#revoked.has(token)) throw new FakeUnauthorizedError();
    return `ok with ${token}`;
  }
}
