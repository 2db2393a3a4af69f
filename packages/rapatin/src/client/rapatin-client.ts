import {
  type Clock,
  callableSchema,
  clockSchema,
  createTokenProvider,
  MemoryTokenStore,
  parseInput,
  ResponseBodyTimeoutError,
  readBodyWithin,
  systemClock,
  type TokenEvent,
  TokenFetchError,
  type TokenStore,
  tokenStoreSchema,
} from "@lunas/core";
import ky, { type KyInstance, type Options as KyOptions } from "ky";
import { z } from "zod";
import { envelopeSchema, listDataSchema, loginDataSchema } from "./envelope.js";
import { toRapatinError } from "./http-failure.js";
import {
  RapatinApiError,
  RapatinError,
  RapatinLoginError,
  RapatinNetworkError,
  RapatinTimeoutError,
} from "./rapatin-errors.js";
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
  /** Per HTTP attempt: for the answer's headers, and again for its body. Default 45 000 ms. */
  timeoutMs?: number;
  /**
   * Retries of requests that cannot create anything (login, listing) after a
   * network error, 408, 429 or 5xx. `POST /schedules` is never retried here.
   * Default `{ limit: 2, delayMs: 300 }` (doubling).
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

const loginEnvelope = envelopeSchema(loginDataSchema);
const listEnvelope = envelopeSchema(listDataSchema);
const scheduleEnvelope = envelopeSchema(z.unknown());

/** Reads a response body against its schema; a mismatch names fields, never values. */
function readAs<S extends z.ZodType>(
  schema: S,
  body: unknown,
  status: number,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => issue.path.join(".") || "(root)").join(", ");
  throw new RapatinApiError(
    status,
    `Rapatin's answer to ${what} has an unexpected shape (${fields})`,
    {
      code: "RAPATIN_BAD_RESPONSE",
    },
  );
}

/**
 * A Rapatin API client whose login token lives in a `TokenStore` through
 * `@lunas/core`'s token provider: one login serves every call until it
 * expires (7 days when Rapatin does not say), concurrent callers share one
 * login, and a 401 triggers one fresh login and one retry of the call.
 */
export function createRapatinClient(options: RapatinClientOptions): RapatinClient {
  const parsed = parseInput(optionsSchema, options, "Rapatin client options");
  const timeoutMs = parsed.timeoutMs ?? 45_000;
  const retryLimit = parsed.retry?.limit ?? 2;
  const retryDelayMs = parsed.retry?.delayMs ?? 300;
  const clock = parsed.clock ?? systemClock;
  const baseUrl = (parsed.baseUrl ?? RAPATIN_BASE_URL).replace(/\/+$/, "");

  const http: KyInstance = ky.create({
    prefixUrl: baseUrl,
    timeout: timeoutMs,
    headers: { accept: "application/json" },
    retry: 0,
    ...(parsed.fetch ? { fetch: parsed.fetch } : {}),
  });

  const safeRetry = (method: "get" | "post"): KyOptions["retry"] => ({
    limit: retryLimit,
    methods: [method],
    statusCodes: [408, 429, 500, 502, 503, 504],
    afterStatusCodes: [429, 503],
    maxRetryAfter: timeoutMs,
    delay: (attempt) => retryDelayMs * 2 ** (attempt - 1),
  });

  /**
   * One request through ky, its answer's body read within `timeoutMs` as well
   * (ky's timeout ends at the headers). `callerSignal` is the token provider's
   * abort for a login; its abort stays an abort.
   */
  async function send(
    what: string,
    request: (signal: AbortSignal) => Promise<Response>,
    callerSignal?: AbortSignal,
  ): Promise<{ response: Response; json(): Promise<unknown> }> {
    const cut = new AbortController();
    const signal = callerSignal ? AbortSignal.any([callerSignal, cut.signal]) : cut.signal;
    let response: Response;
    try {
      response = await request(signal);
    } catch (error) {
      throw await toRapatinError(error, what, timeoutMs, async (failed) => {
        try {
          return JSON.parse(await readBodyWithin(failed, timeoutMs, cut));
        } catch {
          return undefined;
        }
      });
    }
    return {
      response,
      async json() {
        let text: string;
        try {
          text = await readBodyWithin(response, timeoutMs, cut);
        } catch (error) {
          if (callerSignal?.aborted) throw error;
          if (error instanceof ResponseBodyTimeoutError)
            throw new RapatinTimeoutError(what, timeoutMs);
          const reason = error instanceof Error ? error.message : String(error);
          throw new RapatinNetworkError(what, { cause: { message: reason } });
        }
        try {
          return JSON.parse(text);
        } catch {
          throw new RapatinApiError(response.status, `Rapatin's answer to ${what} is not JSON`, {
            code: "RAPATIN_BAD_RESPONSE",
          });
        }
      },
    };
  }

  async function fetchToken(signal: AbortSignal): Promise<{ token: string; expiresIn?: number }> {
    const what = "the login";
    const answer = await send(
      what,
      (bounded) =>
        http.post("auth/login", {
          json: {
            email: parsed.email,
            password: parsed.password,
            device: parsed.device ?? "lunas",
          },
          signal: bounded,
          retry: safeRetry("post"),
          // Rapatin answers a refused login with 401 or 422; neither is worth a retry.
          throwHttpErrors: (status) => status !== 401 && status !== 422,
        }),
      signal,
    );
    const { response } = answer;
    if (response.status === 401 || response.status === 422) {
      await response.body?.cancel();
      throw new RapatinLoginError(response.status);
    }
    const body = readAs(loginEnvelope, await answer.json(), response.status, what);
    return body.data.expires_in === undefined
      ? { token: body.data.token }
      : { token: body.data.token, expiresIn: body.data.expires_in };
  }

  let loginBudgetMs = timeoutMs * (retryLimit + 1);
  for (let attempt = 1; attempt <= retryLimit; attempt += 1)
    loginBudgetMs += retryDelayMs * 2 ** (attempt - 1);

  const tokens = createTokenProvider({
    key: parsed.tokenKey ?? `rapatin:${parsed.email.toLowerCase()}`,
    store: parsed.tokenStore ?? new MemoryTokenStore({ clock }),
    fetchToken,
    clock,
    // A login may take every attempt plus the pauses between them; the cross-process
    // lease must outlast it so a second process never logs in alongside.
    fetchTimeoutMs: loginBudgetMs,
    leaseMs: loginBudgetMs,
    ...(parsed.onTokenEvent ? { onEvent: parsed.onTokenEvent } : {}),
  });

  /** The provider wraps login failures; callers get the Rapatin error itself. */
  async function authorized<T>(run: (token: string) => Promise<T>): Promise<T> {
    try {
      return await tokens.withToken(run);
    } catch (error) {
      if (error instanceof TokenFetchError && error.cause instanceof RapatinError)
        throw error.cause;
      throw error;
    }
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  return {
    async login() {
      await authorized(async () => undefined);
    },

    async listSchedules(query = {}) {
      const q = parseInput(listSchedulesQuerySchema, query, "listSchedules query");
      const searchParams: Record<string, string> = {};
      if (q.tab !== undefined) searchParams.tab = q.tab;
      if (q.from !== undefined) searchParams.from = q.from;
      if (q.to !== undefined) searchParams.to = q.to;
      if (q.recurring !== undefined) searchParams.recurring = q.recurring ? "1" : "0";
      const what = "GET /schedules";
      return authorized(async (token) => {
        const answer = await send(what, (signal) =>
          http.get("schedules", {
            headers: bearer(token),
            searchParams,
            signal,
            retry: safeRetry("get"),
          }),
        );
        const { status } = answer.response;
        const body = readAs(listEnvelope, await answer.json(), status, what);
        return body.data.items.map((item, index) =>
          readAs(scheduleSchema, item, status, `${what} (item ${index})`),
        );
      });
    },

    async createSchedule(input) {
      const body = parseInput(createScheduleInputSchema, input, "createSchedule input");
      const what = "POST /schedules";
      return authorized(async (token) => {
        const answer = await send(what, (signal) =>
          http.post("schedules", { headers: bearer(token), json: body, signal, retry: 0 }),
        );
        const { status } = answer.response;
        const envelope = readAs(scheduleEnvelope, await answer.json(), status, what);
        return readAs(scheduleSchema, envelope.data, status, what);
      });
    },
  };
}
