import ky from "ky";
import type { z } from "zod";
import { parseInput } from "../errors/parse-input.js";
import { computeBackoffDelay } from "../retry/backoff.js";
import { realSleep, systemClock } from "../time/clock.js";
import { TokenFetchError } from "../token/token-errors.js";
import { DeadlineReached, startAttemptDeadline } from "./attempt-deadline.js";
import {
  HttpApiError,
  HttpClientError,
  HttpNetworkError,
  HttpResponseError,
  HttpTimeoutError,
  type ResponseIssue,
} from "./http-errors.js";
import {
  type AnswerVerdict,
  clientOptionsSchema,
  type HttpAnswer,
  type HttpMethod,
  type HttpRequestContext,
  type JsonHttpClientOptions,
  type JsonRequest,
  requestSchema,
} from "./json-http-client-options.js";
import { parseRetryAfter } from "./retry-after.js";
import { SecretRedactor } from "./secret-redaction.js";

export interface JsonHttpClient {
  /**
   * Sends one request (with its retries) and returns the answer's data:
   * unwrapped by `parseAnswer`, checked against `schema` when given.
   */
  request<S extends z.ZodType = z.ZodType<unknown>>(request: JsonRequest<S>): Promise<z.output<S>>;
}

const SAFE_METHODS: ReadonlySet<HttpMethod> = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

function defaultVerdict(answer: HttpAnswer): AnswerVerdict {
  return answer.status >= 200 && answer.status < 300 ? { data: answer.body } : { failure: {} };
}

/** One attempt's end: the data, or an error and whether another attempt may help. */
type Outcome =
  | { ok: true; data: unknown }
  | { ok: false; error: HttpClientError; retryable: boolean; waitMs?: number };

/**
 * The one JSON-over-HTTP client base for provider clients (Xendit, Rapatin,
 * Fonnte, AI providers): base URL, credentials, a timeout that covers the
 * body, retries only where repeating is safe (bounded full-jitter backoff
 * that honours `Retry-After`), typed errors the provider subclasses through
 * `mapError`, and secrets redacted from every error and log hook. Runs
 * wherever `fetch` does.
 */
export function createJsonHttpClient(options: JsonHttpClientOptions): JsonHttpClient {
  const config = parseInput(clientOptionsSchema, options, "JSON HTTP client options");
  const clock = config.clock ?? systemClock;
  const sleep = config.sleep ?? realSleep;
  const random = config.random ?? Math.random;
  const parseAnswer = config.parseAnswer ?? defaultVerdict;
  const base = config.baseUrl.endsWith("/") ? config.baseUrl : `${config.baseUrl}/`;
  const auth = config.auth;

  const credentialHeaders: Record<string, string> = {};
  const credentials: string[] = [];
  if (auth?.type === "basic") {
    const pair = `${auth.username}:${auth.password ?? ""}`;
    credentialHeaders.authorization = `Basic ${btoa(pair)}`;
    credentials.push(auth.username, btoa(pair));
    if (auth.password) credentials.push(auth.password);
  } else if (auth?.type === "bearer") {
    credentialHeaders.authorization = `Bearer ${auth.token}`;
    credentials.push(auth.token);
  } else if (auth?.type === "header") {
    credentialHeaders[auth.name.toLowerCase()] = auth.value;
    credentials.push(auth.value);
  }
  const redactor = new SecretRedactor([...credentials, ...config.secrets]);
  // A custom auth header is a credential whatever its name.
  const credentialHeaderNames = new Set(Object.keys(credentialHeaders));
  if (auth?.type === "token-provider")
    credentialHeaderNames.add((auth.header ?? "authorization").toLowerCase());

  const http = ky.create({
    timeout: false,
    retry: 0,
    throwHttpErrors: false,
    ...(config.fetch ? { fetch: config.fetch } : {}),
  });

  const notify = <E>(hook: ((event: E) => void) | undefined, event: E) => {
    try {
      hook?.(event);
    } catch {
      // A logger's bug must not fail the call it was logging.
    }
  };

  function urlOf(request: JsonRequest<z.ZodType>): string {
    const url = new URL(request.path.replace(/^\/+/, ""), base);
    for (const [name, value] of Object.entries(request.searchParams ?? {}))
      url.searchParams.set(name, String(value));
    return url.toString();
  }

  function networkCause(error: unknown, secrets: SecretRedactor): unknown {
    // Only names and messages: a fetch error can hold the request, and with it the credential.
    const describe = (value: unknown) => {
      const e = value as { name?: unknown; message?: unknown; code?: unknown } | null;
      return {
        name: typeof e?.name === "string" ? e.name : typeof value,
        message: secrets.text(typeof e?.message === "string" ? e.message : String(value)),
        ...(typeof e?.code === "string" ? { code: e.code } : {}),
      };
    };
    const inner = (error as { cause?: unknown } | null)?.cause;
    return inner === undefined ? describe(error) : { ...describe(error), cause: describe(inner) };
  }

  function failed(
    context: HttpRequestContext,
    answer: HttpAnswer,
    failure: Extract<AnswerVerdict, { failure: unknown }>["failure"],
    secrets: SecretRedactor,
  ): Outcome {
    const retryAfterMs =
      failure.retryAfterMs ?? parseRetryAfter(answer.headers.get("retry-after"), clock.now());
    const message = failure.message === undefined ? undefined : secrets.text(failure.message);
    const providerCode =
      failure.providerCode === undefined ? undefined : secrets.text(failure.providerCode);
    const error = new HttpApiError(
      answer.status,
      `${context.what} failed with HTTP ${answer.status}${providerCode ? ` (${providerCode})` : ""}${message ? `: ${message}` : ""}`,
      {
        ...(providerCode === undefined ? {} : { providerCode }),
        ...(message === undefined ? {} : { providerMessage: message }),
        body: secrets.json(answer.body),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    );
    return {
      ok: false,
      error,
      retryable: failure.retryable ?? config.retry.statuses.includes(answer.status),
      ...(retryAfterMs === undefined ? {} : { waitMs: retryAfterMs }),
    };
  }

  function unreadable(
    context: HttpRequestContext,
    status: number,
    issues: readonly ResponseIssue[] | "not-json",
  ): Outcome {
    const error =
      issues === "not-json"
        ? new HttpResponseError(
            status,
            `${context.what}: ${config.service}'s answer (HTTP ${status}) is not JSON`,
            { reason: "not-json" },
          )
        : new HttpResponseError(
            status,
            `${context.what}: ${config.service}'s answer (HTTP ${status}) has an unexpected shape: ${issues
              .map((issue) => `${issue.path}: ${issue.message}`)
              .join("; ")}`,
            { issues },
          );
    return { ok: false, error, retryable: false };
  }

  async function attemptOnce(
    request: JsonRequest<z.ZodType>,
    context: HttpRequestContext,
    headers: Record<string, string>,
    timeoutMs: number,
    attempt: number,
    secrets: SecretRedactor,
  ): Promise<Outcome> {
    const url = urlOf(request);
    const loggedUrl = secrets.text(url);
    const logged = secrets.headers(headers);
    for (const name of credentialHeaderNames) if (name in logged) logged[name] = "[redacted]";
    notify(config.onRequest, { ...context, url: loggedUrl, headers: logged, attempt });
    const startedAt = clock.now();
    const report = (outcome: Outcome, status?: number): Outcome => {
      notify(config.onResponse, {
        ...context,
        url: loggedUrl,
        attempt,
        durationMs: clock.now() - startedAt,
        ...(status === undefined ? {} : { status }),
        ...(outcome.ok ? {} : { errorCode: outcome.error.code }),
      });
      return outcome;
    };

    const deadline = startAttemptDeadline(timeoutMs);
    const signal = request.signal
      ? AbortSignal.any([request.signal, deadline.signal])
      : deadline.signal;
    const noAnswer = (error: unknown): Outcome => {
      // A caller's abort (or the token provider's, for a login) stays what it is.
      if (request.signal?.aborted) throw request.signal.reason;
      if (error instanceof DeadlineReached)
        return {
          ok: false,
          error: new HttpTimeoutError(
            timeoutMs,
            `${context.what} got no complete answer from ${config.service} within ${timeoutMs} ms`,
          ),
          retryable: false,
        };
      return {
        ok: false,
        error: new HttpNetworkError(`${context.what} could not reach ${config.service}`, {
          cause: networkCause(error, secrets),
        }),
        retryable: true,
      };
    };

    try {
      let response: Response;
      try {
        response = await deadline.within(
          http(url, {
            method: request.method,
            headers,
            signal,
            ...(request.json === undefined ? {} : { json: request.json }),
            ...(request.form === undefined ? {} : { body: new URLSearchParams(request.form) }),
          }),
        );
      } catch (error) {
        return report(noAnswer(error));
      }
      const { status } = response;
      const success = status >= 200 && status < 300;
      let text: string | undefined;
      try {
        text = await deadline.within(response.text());
      } catch (error) {
        // An error status is known without its body: a body that stalls or drops cannot change it.
        if (success) return report(noAnswer(error), status);
        if (request.signal?.aborted) throw request.signal.reason;
        void response.body?.cancel().catch(() => {});
      }
      let body: unknown;
      if (text !== undefined && text !== "") {
        try {
          body = JSON.parse(text);
        } catch {
          if (success) return report(unreadable(context, status, "not-json"), status);
        }
      }
      const answer: HttpAnswer = { status, headers: response.headers, body };
      const verdict = parseAnswer(answer);
      if ("failure" in verdict)
        return report(failed(context, answer, verdict.failure, secrets), status);
      if ("unreadable" in verdict)
        return report(unreadable(context, status, verdict.unreadable), status);
      if (!request.schema) return report({ ok: true, data: verdict.data }, status);
      const parsed = request.schema.safeParse(verdict.data);
      if (parsed.success) return report({ ok: true, data: parsed.data }, status);
      return report(
        unreadable(
          context,
          status,
          parsed.error.issues.map((issue) => ({
            path: issue.path.join(".") || "(root)",
            message: issue.message,
          })),
        ),
        status,
      );
    } finally {
      deadline.stop();
    }
  }

  async function withRetries(
    request: JsonRequest<z.ZodType>,
    context: HttpRequestContext,
    headers: Record<string, string>,
    secrets: SecretRedactor,
  ): Promise<unknown> {
    const safe =
      SAFE_METHODS.has(request.method) ||
      request.idempotencyKey !== undefined ||
      request.safeToRepeat === true;
    const limit =
      request.retry === false || !safe ? 0 : (request.retry?.limit ?? config.retry.limit);
    const timeoutMs = request.timeoutMs ?? config.timeoutMs;
    const deadlineMs = request.deadlineMs ?? config.deadlineMs;
    const deadlineAt =
      deadlineMs === undefined ? Number.POSITIVE_INFINITY : clock.now() + deadlineMs;
    for (let attempt = 1; ; attempt += 1) {
      const limitMs = Math.max(1, Math.min(timeoutMs, Math.ceil(deadlineAt - clock.now())));
      const outcome = await attemptOnce(request, context, headers, limitMs, attempt, secrets);
      if (outcome.ok) return outcome.data;
      if (!outcome.retryable || attempt > limit) throw outcome.error;
      const waitMs =
        outcome.waitMs ??
        computeBackoffDelay(
          attempt,
          { baseDelayMs: config.retry.baseDelayMs, maxDelayMs: config.retry.maxDelayMs },
          random,
        );
      // Waiting less than the provider asked would only earn the same answer again.
      if (waitMs > config.retry.maxDelayMs || clock.now() + waitMs >= deadlineAt)
        throw outcome.error;
      await sleep(waitMs, request.signal);
    }
  }

  return {
    async request<S extends z.ZodType>(input: JsonRequest<S>): Promise<z.output<S>> {
      const request = parseInput(requestSchema, input, "HTTP request") as JsonRequest<z.ZodType>;
      if (request.json !== undefined && request.form !== undefined)
        throw new TypeError("A request sends json or form, not both");
      const path = request.path.replace(/^\/+/, "");
      const context: HttpRequestContext = {
        what: request.what ?? `${config.service} ${request.method} /${path}`,
        method: request.method,
        path,
      };
      const headers: Record<string, string> = {
        accept: "application/json",
        ...config.headers,
        ...(request.auth === false ? {} : credentialHeaders),
        ...request.headers,
        ...(request.idempotencyKey === undefined
          ? {}
          : { [config.idempotencyKeyHeader]: request.idempotencyKey }),
      };
      try {
        if (auth?.type !== "token-provider" || request.auth === false)
          return (await withRetries(request, context, headers, redactor)) as z.output<S>;
        const header = (auth.header ?? "authorization").toLowerCase();
        const scheme = auth.scheme ?? "Bearer";
        return (await auth.tokens.withToken((token) =>
          withRetries(
            request,
            context,
            { ...headers, [header]: scheme === "" ? token : `${scheme} ${token}` },
            redactor.with([token]),
          ),
        )) as z.output<S>;
      } catch (error) {
        // A login that failed with this client's error (already the provider's) surfaces as itself.
        if (error instanceof TokenFetchError && error.cause instanceof HttpClientError)
          throw error.cause;
        if (error instanceof HttpClientError && config.mapError)
          throw config.mapError(error, context);
        throw error;
      }
    },
  };
}
