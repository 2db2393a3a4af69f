import { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import { epochMsSchema } from "../input/epoch-ms.js";
import {
  callableSchema,
  clockSchema,
  sleepSchema,
  tokenStoreSchema,
} from "../input/injected-schemas.js";
import { type Clock, realSleep, type Sleep, systemClock } from "../time/clock.js";
import { TokenFetchError, TokenFetchTimeoutError } from "./token-errors.js";
import { tokenExpiresAt } from "./token-expiry.js";
import type { StoredToken, TokenStore } from "./token-store.js";
import { leaseHolderSchema, tokenKeySchema, tokenValueSchema } from "./token-store-input.js";

/** What a login returns. Expiry: `expiresIn`, else `expiresAt`, else the JWT's `exp`, else `defaultTtlMs`. */
export interface FetchedToken {
  token: string;
  /** Seconds from now. */
  expiresIn?: number;
  /** Milliseconds since the epoch. */
  expiresAt?: number;
}

/** Observability only: carries the key, never the token. */
export interface TokenEvent {
  type: "login" | "cache_hit" | "invalidate" | "retry_after_auth_error" | "wait_for_lease";
  key: string;
}

export interface TokenProviderOptions {
  /** Which login this is, e.g. `"rapatin:ops@example.com"`; the store key. */
  key: string;
  store: TokenStore;
  /** Logs in. Must stop when `signal` aborts (pass it to ky/fetch). */
  fetchToken: (signal: AbortSignal) => Promise<FetchedToken>;
  /** Lifetime when the login says nothing and the token is no JWT with `exp`. Default 7 days. */
  defaultTtlMs?: number;
  /**
   * Log in again this long before expiry. Default 60 s. For a token this
   * provider logged in itself, at most half the token's lifetime, so a token
   * that lives no longer than the skew (`expiresIn: 60` with the default) is
   * still reused for half its life instead of causing a login on every call.
   * A token read from the store (stored by another process) gets the whole skew.
   */
  refreshSkewMs?: number;
  /** How long one login may hold the cross-process lease. Default 30 s. */
  leaseMs?: number;
  /** How often a process waiting for another's login re-reads the store. Default 100 ms. */
  pollIntervalMs?: number;
  /** Abort `fetchToken` after this long. Default 30 s. */
  fetchTimeoutMs?: number;
  /** Whether an error thrown inside `withToken` means the token was rejected. Default: HTTP 401 (`status` or ky's `response.status`). */
  isAuthError?: (error: unknown) => boolean;
  clock?: Clock;
  sleep?: Sleep;
  /** This process's name in leases (each login's lease is `<holderId>/<n>`). Default: a random UUID. */
  holderId?: string;
  onEvent?: (event: TokenEvent) => void;
}

export interface TokenProvider {
  /** A valid token: from memory, else the store, else one login shared by all concurrent callers. */
  getToken(): Promise<string>;
  /** Forgets the token here and in the store, so the next `getToken` logs in. */
  invalidate(): Promise<void>;
  /** Runs `fn` with a token; when it fails with an auth error, logs in again and retries it once. */
  withToken<T>(fn: (token: string) => Promise<T>): Promise<T>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** One lookup (store read, else login) that concurrent callers join. */
interface Lookup {
  result: Promise<StoredToken>;
  /** The invalidation generation it began in. */
  generation: number;
  /** The token its callers saw rejected, which it will not hand back. */
  rejected: string | undefined;
}

const durationMs = z
  .number()
  .int()
  .positive()
  .max(365 * DAY_MS);

const optionsSchema = z
  .strictObject({
    key: tokenKeySchema,
    store: tokenStoreSchema,
    fetchToken: callableSchema<TokenProviderOptions["fetchToken"]>(
      "must be a function (signal) => Promise<{ token }>",
    ),
    defaultTtlMs: durationMs.optional(),
    refreshSkewMs: z.number().int().min(0).max(DAY_MS).optional(),
    leaseMs: durationMs.optional(),
    pollIntervalMs: durationMs.optional(),
    fetchTimeoutMs: durationMs.optional(),
    isAuthError: callableSchema<(error: unknown) => boolean>().optional(),
    clock: clockSchema.optional(),
    sleep: sleepSchema.optional(),
    holderId: leaseHolderSchema.optional(),
    onEvent: callableSchema<(event: TokenEvent) => void>().optional(),
  })
  .refine((o) => (o.fetchTimeoutMs ?? 30_000) <= (o.leaseMs ?? 30_000), {
    // A login outliving its lease lets a second process log in alongside it.
    message: "must not exceed leaseMs (both default to 30000)",
    path: ["fetchTimeoutMs"],
  });

const fetchedSchema = z.object({
  // Checked here, once, so the store is only ever given a value every backend can keep.
  token: tokenValueSchema,
  expiresIn: z.number().positive().optional(),
  expiresAt: z.number().positive().optional(),
});

function isHttp401(error: unknown): boolean {
  const e = error as { status?: unknown; response?: { status?: unknown } } | null | undefined;
  return e?.status === 401 || e?.response?.status === 401;
}

/** Names the failure without its message, which could echo a response body. */
function describeCause(error: unknown): string {
  const e = error as { name?: unknown; status?: unknown; response?: { status?: unknown } } | null;
  const name = typeof e?.name === "string" ? e.name : typeof error;
  const status = e?.status ?? e?.response?.status;
  return typeof status === "number" ? `${name}, HTTP ${status}` : name;
}

/**
 * Reuses a provider's login token until shortly before it expires instead of
 * logging in on every webhook. Concurrent callers in one process share one
 * login; with a store that has leases, processes sharing the store do too.
 */
export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const o = parseInput(optionsSchema, options, "token provider options");
  const key = o.key;
  const store = o.store;
  const clock = o.clock ?? systemClock;
  const sleep = o.sleep ?? realSleep;
  const defaultTtlMs = o.defaultTtlMs ?? 7 * DAY_MS;
  const refreshSkewMs = o.refreshSkewMs ?? 60_000;
  const leaseMs = o.leaseMs ?? 30_000;
  const pollIntervalMs = o.pollIntervalMs ?? 100;
  const fetchTimeoutMs = o.fetchTimeoutMs ?? 30_000;
  const isAuthError = o.isAuthError ?? isHttp401;
  const holderId = o.holderId ?? crypto.randomUUID();

  // The token to reuse and the moment to stop reusing it.
  let cached: { token: StoredToken; refreshAt: number } | undefined;
  let lookup: Lookup | undefined;
  // Bumped when an invalidation starts and again once its delete is done: a
  // read that started before the end must not put the old token back.
  let generation = 0;
  // Invalidations still deleting: a token read meanwhile may be the one going away.
  let invalidating = 0;
  let lookups = 0;

  const emit = (type: TokenEvent["type"]) => {
    try {
      // Stryker disable next-line OptionalChaining: without onEvent the TypeError lands in the catch below
      o.onEvent?.({ type, key });
    } catch {
      // An observer's bug must not break logins.
    }
  };
  // A token from the store: how long it was meant to live is unknown, so the whole skew applies.
  const usable = (token: StoredToken | null, rejected: string | undefined): token is StoredToken =>
    token !== null && token.value !== rejected && token.expiresAt - refreshSkewMs > clock.now();
  const remember = (token: StoredToken, readAt: number): StoredToken => {
    if (readAt === generation && invalidating === 0) {
      cached = { token, refreshAt: token.expiresAt - refreshSkewMs };
    }
    emit("cache_hit");
    return token;
  };

  async function fetchWithTimeout(): Promise<z.output<typeof fetchedSchema>> {
    const login = new AbortController();
    const stopTimer = new AbortController();
    const timeout = sleep(fetchTimeoutMs, stopTimer.signal).then(
      () => {
        const error = new TokenFetchTimeoutError(key, fetchTimeoutMs);
        login.abort(error);
        throw error;
      },
      // Stopped because the login settled first: stay pending, the race is decided.
      // Stryker disable next-line ArrowFunction: the timer only rejects once stopTimer aborts, after the race
      () => new Promise<never>(() => {}),
    );
    let result: unknown;
    try {
      result = await Promise.race([
        Promise.resolve().then(() => o.fetchToken(login.signal)),
        timeout,
      ]);
    } catch (error) {
      if (error instanceof TokenFetchTimeoutError) throw error;
      throw new TokenFetchError(
        key,
        `Login for token ${JSON.stringify(key)} failed (${describeCause(error)}); see cause`,
        { cause: error },
      );
    } finally {
      stopTimer.abort();
    }
    const parsed = fetchedSchema.safeParse(result);
    if (!parsed.success) {
      throw new TokenFetchError(
        key,
        `Login for token ${JSON.stringify(key)} returned no usable { token, expiresIn?, expiresAt? }: ${parsed.error.issues
          .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
          .join("; ")}`,
      );
    }
    return parsed.data;
  }

  // The injected clock's reading goes to the store as a time: checked once here
  // so the store can trust it. Stores keep whole milliseconds; a clock may read fractions.
  const clockReading = () =>
    parseInput(epochMsSchema, Math.floor(clock.now()), "clock.now() reading");

  async function loginAndStore(): Promise<StoredToken> {
    emit("login");
    const fetched = await fetchWithTimeout();
    // Stores keep whole milliseconds; a clock may read fractions.
    const now = clockReading();
    const token: StoredToken = {
      value: fetched.token,
      expiresAt: tokenExpiresAt(fetched, now, defaultTtlMs),
    };
    if (!epochMsSchema.safeParse(token.expiresAt).success) {
      throw new TokenFetchError(
        key,
        `Login for token ${JSON.stringify(key)} returned an expiry outside the range of a Date`,
      );
    }
    if (token.expiresAt <= now) {
      // Caching it would mean a login on every call; the usual cause is seconds passed as ms.
      throw new TokenFetchError(
        key,
        `Login for token ${JSON.stringify(key)} returned a token that has already expired; expiresAt is milliseconds since the epoch, expiresIn seconds from now`,
      );
    }
    await store.set(key, token);
    // Logged in after any invalidation that could have concerned it, so it is the current token.
    // Its lifetime is known here: a token that lives no longer than the skew is still
    // reused for the first half of its life instead of causing a login on every call.
    cached = {
      token,
      refreshAt: token.expiresAt - Math.min(refreshSkewMs, (token.expiresAt - now) / 2),
    };
    // Logins are rare, so they are a cheap moment to sweep; a failed sweep changes nothing.
    void Promise.resolve()
      .then(() => store.deleteExpired?.(now))
      .catch(() => {});
    return token;
  }

  /** The store's token unless it is `rejected` or about to expire, else one login between all processes. */
  async function obtain(rejected: string | undefined): Promise<StoredToken> {
    const readAt = generation;
    const stored = await store.get(key);
    if (usable(stored, rejected)) return remember(stored, readAt);
    const { acquireLease, releaseLease } = store;
    // Stryker disable next-line LogicalOperator: the options schema accepts the two lease methods only together
    if (!acquireLease || !releaseLease) return loginAndStore();
    // Named per lookup, not per process: a store lets a holder re-take its own lease,
    // and two lookups of this process (one begun before an invalidate) must not both win.
    lookups += 1;
    const holder = `${holderId}/${lookups}`;
    let announcedWait = false;
    for (;;) {
      if (await acquireLease.call(store, key, holder, clockReading() + leaseMs)) {
        try {
          // Another process may have stored a token between our read and our lease.
          const again = await store.get(key);
          if (usable(again, rejected)) return remember(again, readAt);
          return await loginAndStore();
        } finally {
          // A lease we fail to release still runs out after leaseMs; the token is what matters.
          await releaseLease.call(store, key, holder).catch(() => {});
        }
      }
      if (!announcedWait) {
        emit("wait_for_lease");
        announcedWait = true;
      }
      await sleep(pollIntervalMs);
      const polled = await store.get(key);
      if (usable(polled, rejected)) return remember(polled, readAt);
    }
  }

  /**
   * A valid token other than `rejected`. Every caller whose token was rejected
   * joins the one lookup in flight, so they cause one login between them.
   */
  async function tokenOtherThan(rejected: string | undefined): Promise<string> {
    for (;;) {
      if (cached && cached.refreshAt > clock.now() && cached.token.value !== rejected) {
        emit("cache_hit");
        return cached.token.value;
      }
      // A lookup begun before an invalidation may still bring the old token; do not join it.
      if (!lookup || lookup.generation !== generation) {
        const started: Lookup = { generation, rejected, result: obtain(rejected) };
        started.result = started.result.finally(() => {
          if (lookup === started) lookup = undefined;
        });
        lookup = started;
      }
      const joined = lookup;
      const token = await joined.result;
      // A lookup begun before this caller's token was rejected may bring that token
      // back; then look again. One that knew of the rejection answers for good.
      if (token.value !== rejected || joined.rejected === rejected) return token.value;
    }
  }

  const getToken = () => tokenOtherThan(undefined);

  /** Drops `failed` only where it is still the current token, keeping a newer one another process stored. */
  async function discard(failed: string): Promise<void> {
    emit("invalidate");
    if (cached?.token.value === failed) cached = undefined;
    await store.compareAndDelete(key, failed);
  }

  return {
    getToken,
    async invalidate() {
      emit("invalidate");
      generation += 1;
      invalidating += 1;
      cached = undefined;
      try {
        await store.delete(key);
      } finally {
        invalidating -= 1;
        generation += 1;
      }
    },
    async withToken<T>(run: (token: string) => Promise<T>): Promise<T> {
      parseInput(
        callableSchema<typeof run>("must be a function (token) => Promise"),
        run,
        "withToken callback",
      );
      const token = await getToken();
      try {
        return await run(token);
      } catch (error) {
        if (!isAuthError(error)) throw error;
        emit("retry_after_auth_error");
        await discard(token);
        return run(await tokenOtherThan(token));
      }
    },
  };
}
