import { LunasError, readBodyWithin, ResponseBodyTimeoutError } from "@lunas/core";
import ky from "ky";

/** A call got no whole answer within its timeout; whether the service acted on it is unknown. */
export class ServiceTimeoutError extends LunasError {
  readonly service: string;
  readonly timeoutMs: number;

  constructor(service: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(`${service.toUpperCase()}_TIMEOUT`, `${service} did not answer within ${timeoutMs} ms`, options);
    this.service = service;
    this.timeoutMs = timeoutMs;
  }
}

/** The request never reached the service or its answer never came back (DNS, refused, reset). */
export class ServiceNetworkError extends LunasError {
  readonly service: string;

  constructor(service: string, options?: { cause?: unknown }) {
    super(`${service.toUpperCase()}_NETWORK_ERROR`, `Could not reach ${service}`, options);
    this.service = service;
  }
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  /** The decoded JSON body, or `undefined` when the body is not JSON. */
  body: unknown;
}

export interface PostJsonRequest {
  /** Upper-case prefix of error codes and the name in messages: `fonnte`, `gemini`, … */
  service: string;
  url: string;
  headers: Record<string, string>;
  json: unknown;
  /** Covers the headers and the whole body. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * One JSON POST with one deadline over headers and body, and no retry (the
 * callers decide what is safe to repeat). Errors never carry the request's
 * headers, so credentials sent in them cannot leak into logs.
 *
 * The smallest piece this package needs until core's JSON client base lands;
 * then the provider clients move onto it.
 */
export async function postJson(request: PostJsonRequest): Promise<JsonAnswer> {
  const { service, timeoutMs } = request;
  const controller = new AbortController();
  const started = Date.now();
  const timer = setTimeout(
    () => controller.abort(new ServiceTimeoutError(service, timeoutMs)),
    timeoutMs,
  );
  const onCallerAbort = () => controller.abort(request.signal?.reason);
  request.signal?.addEventListener("abort", onCallerAbort, { once: true });
  try {
    request.signal?.throwIfAborted();
    let response: Response;
    try {
      response = await ky.post(request.url, {
        json: request.json,
        headers: request.headers,
        signal: controller.signal,
        timeout: false,
        retry: 0,
        throwHttpErrors: false,
      });
    } catch (error) {
      throw failure(service, controller, request.signal, error);
    }
    let text: string;
    try {
      text = await readBodyWithin(
        response,
        Math.max(1, timeoutMs - (Date.now() - started)),
        controller,
      );
    } catch (error) {
      if (error instanceof ResponseBodyTimeoutError) {
        throw new ServiceTimeoutError(service, timeoutMs, { cause: error });
      }
      throw failure(service, controller, request.signal, error);
    }
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, body };
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener("abort", onCallerAbort);
  }
}

function failure(
  service: string,
  controller: AbortController,
  callerSignal: AbortSignal | undefined,
  error: unknown,
): unknown {
  if (callerSignal?.aborted) return callerSignal.reason;
  if (controller.signal.aborted && controller.signal.reason instanceof ServiceTimeoutError) {
    return controller.signal.reason;
  }
  return new ServiceNetworkError(service, { cause: error });
}
