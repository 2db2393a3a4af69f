import {
  type Clock,
  createJsonHttpClient,
  createTokenProvider,
  HttpApiError,
  MemoryTokenStore,
  parseInput,
  systemClock,
  type TokenEvent,
  TokenFetchError,
  type TokenStore,
} from "@lunas/core";
import { callableSchema, clockSchema, tokenStoreSchema } from "@lunas/core/validation";
import { z } from "zod";
import { loginDataSchema, readRapatinAnswer } from "./envelope.js";
import { toRapatinError } from "./http-failure.js";
import { RapatinLoginError } from "./rapatin-errors.js";
import {
  type CreateScheduleInput,
  createScheduleInputSchema,
  type ListSchedulesQuery,
  listSchedulesQuerySchema,
  type RapatinSchedule,
  scheduleSchema,
} from "./schedule-schemas.js";

export const RAPATIN_BASE_URL = "https://api.rapatin.id";

export interface RapatinClientOptions {
  /** The Rapatin account's email. */
  email: string;
  /** The Rapatin account's password. Never logged or put in an error. */
  password: string;
  /** Device name sent at login (Rapatin names tokens by device). Default `lunas`. */
  device?: string;
  /** Default `https://api.rapatin.id`. */
  baseUrl?: string;
  /** Where the login token is cached. Default: a `MemoryTokenStore` (one login per process). */
  tokenStore?: TokenStore;
  /** The token's key in the store. Default `rapatin:<email>`. */
  tokenKey?: string;
  /** Per HTTP attempt, for the whole answer: headers and body together. Default 45 000 ms. */
  timeoutMs?: number;
  /**
   * Retries of requests that cannot create anything (login, listing) after a
   * network error, 408, 429 or 5xx. `POST /schedules` is never retried here.
   * Default `{ limit: 2, delayMs: 300 }`: full-jitter backoff doubling from
   * `delayMs`; a `Retry-After` longer than `timeoutMs` ends the call instead.
   */
  retry?: { limit?: number; delayMs?: number };
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Decides token expiry. Default: the system clock. */
  clock?: Clock;
  /** Token cache events (login, cache_hit, invalidate, ...): key only, never the token. */
  onTokenEvent?: (event: TokenEvent) => void;
}

export interface RapatinClient {
  /** Makes sure a valid login token is cached, logging in only when none is. */
  login(): Promise<void>;
  /** `GET /schedules`: the account's schedules, filtered. Retried on transient failures. */
  listSchedules(query?: ListSchedulesQuery): Promise<RapatinSchedule[]>;
  /**
   * `POST /schedules`: creates a Zoom meeting. Never retried (a retry could
   * create a second meeting); after a timeout the meeting may exist, which
   * `createMeetingBooker` handles by searching before it creates.
   */
  createSchedule(input: CreateScheduleInput): Promise<RapatinSchedule>;
}

const optionsSchema = z.strictObject({
  email: z.string().trim().email(),
  password: z.string().min(1),
  device: z.string().trim().min(1).max(100).optional(),
  baseUrl: z
    .string()
    .url()
    .refine((url) => /^https?:\/\//.test(url), "must be an http(s) URL")
    .optional(),
  tokenStore: tokenStoreSchema.optional(),
  tokenKey: z.string().min(1).max(512).optional(),
  timeoutMs: z.number().int().positive().max(600_000).optional(),
  retry: z
    .strictObject({
      limit: z.number().int().min(0).max(10).optional(),
      delayMs: z.number().int().min(0).max(60_000).optional(),
    })
    .optional(),
  fetch: callableSchema<typeof fetch>("must be a fetch function").optional(),
  clock: clockSchema.optional(),
  onTokenEvent: callableSchema<(event: TokenEvent) => void>().optional(),
});

const listDataSchema = z.looseObject({ items: z.array(scheduleSchema) });

/**
 * A Rapatin API client on core's JSON HTTP client, whose login token lives in
 * a `TokenStore` through `@lunas/core`'s token provider: one login serves
 * every call until it expires (7 days when Rapatin does not say), concurrent
 * callers share one login, and a 401 triggers one fresh login and one retry
 * of the call.
 */
export function createRapatinClient(options: RapatinClientOptions): RapatinClient {
  const parsed = parseInput(optionsSchema, options, "Rapatin client options");
  const timeoutMs = parsed.timeoutMs ?? 45_000;
  const retryLimit = parsed.retry?.limit ?? 2;
  const retryDelayMs = parsed.retry?.delayMs ?? 300;
  const clock = parsed.clock ?? systemClock;

  // A login may take every attempt plus the pauses between them; the cross-process
  // lease must outlast it so a second process never logs in alongside.
  let loginBudgetMs = timeoutMs * (retryLimit + 1);
  for (let attempt = 1; attempt <= retryLimit; attempt += 1)
    loginBudgetMs += Math.min(timeoutMs, retryDelayMs * 2 ** (attempt - 1));

  const tokens = createTokenProvider({
    key: parsed.tokenKey ?? `rapatin:${parsed.email.toLowerCase()}`,
    store: parsed.tokenStore ?? new MemoryTokenStore({ clock }),
    fetchToken: logIn,
    clock,
    fetchTimeoutMs: loginBudgetMs,
    leaseMs: loginBudgetMs,
    ...(parsed.onTokenEvent ? { onEvent: parsed.onTokenEvent } : {}),
  });

  const http = createJsonHttpClient({
    service: "Rapatin",
    baseUrl: parsed.baseUrl ?? RAPATIN_BASE_URL,
    auth: { type: "token-provider", tokens },
    timeoutMs,
    retry: {
      limit: retryLimit,
      statuses: [408, 429, 500, 502, 503, 504],
      baseDelayMs: retryDelayMs,
      maxDelayMs: timeoutMs,
    },
    secrets: [parsed.password],
    parseAnswer: readRapatinAnswer,
    mapError: toRapatinError,
    ...(parsed.fetch ? { fetch: parsed.fetch } : {}),
  });

  async function logIn(signal: AbortSignal): Promise<{ token: string; expiresIn?: number }> {
    let data: z.output<typeof loginDataSchema>;
    try {
      data = await http.request({
        method: "POST",
        path: "auth/login",
        what: "the login",
        auth: false,
        // A login creates nothing, so a failed one is retried like a GET.
        safeToRepeat: true,
        deadlineMs: loginBudgetMs,
        json: { email: parsed.email, password: parsed.password, device: parsed.device ?? "lunas" },
        schema: loginDataSchema,
        signal,
      });
    } catch (error) {
      // Rapatin answers a refused login with 401 or 422; neither is worth a retry.
      if (error instanceof HttpApiError && (error.status === 401 || error.status === 422))
        throw new RapatinLoginError(error.status);
      throw error;
    }
    return data.expires_in === undefined
      ? { token: data.token }
      : { token: data.token, expiresIn: data.expires_in };
  }

  return {
    async login() {
      try {
        await tokens.getToken();
      } catch (error) {
        // The provider wraps login failures; callers get the Rapatin error itself.
        if (error instanceof TokenFetchError && error.cause instanceof Error) throw error.cause;
        throw error;
      }
    },

    async listSchedules(query = {}) {
      const q = parseInput(listSchedulesQuerySchema, query, "listSchedules query");
      const searchParams: Record<string, string> = {};
      if (q.tab !== undefined) searchParams.tab = q.tab;
      if (q.from !== undefined) searchParams.from = q.from;
      if (q.to !== undefined) searchParams.to = q.to;
      if (q.recurring !== undefined) searchParams.recurring = q.recurring ? "1" : "0";
      const data = await http.request({
        method: "GET",
        path: "schedules",
        what: "GET /schedules",
        searchParams,
        schema: listDataSchema,
      });
      return data.items;
    },

    async createSchedule(input) {
      const body = parseInput(createScheduleInputSchema, input, "createSchedule input");
      // A POST without an idempotency key: the client never repeats it.
      return http.request({
        method: "POST",
        path: "schedules",
        what: "POST /schedules",
        json: body,
        schema: scheduleSchema,
      });
    },
  };
}
