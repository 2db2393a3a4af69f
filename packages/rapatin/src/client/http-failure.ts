import {
  HttpApiError,
  type HttpClientError,
  HttpNetworkError,
  type HttpRequestContext,
  HttpResponseError,
  HttpTimeoutError,
} from "@lunas/core";
import { fieldsOf, validationBodySchema } from "./envelope.js";
import {
  RapatinApiError,
  RapatinNetworkError,
  RapatinTimeoutError,
  RapatinValidationError,
} from "./rapatin-errors.js";

/**
 * The client's `mapError`: core's HTTP error (already redacted: no token,
 * no password) becomes the Rapatin error callers branch on. A 422 carries
 * field messages; other statuses Rapatin's `response.message`.
 */
export function toRapatinError(error: HttpClientError, { what }: HttpRequestContext): Error {
  if (error instanceof HttpApiError) {
    if (error.status === 422) {
      const parsed = validationBodySchema.safeParse(error.body);
      return new RapatinValidationError(
        `Rapatin rejected ${what}`,
        parsed.success ? fieldsOf(parsed.data) : {},
        { body: error.body },
      );
    }
    const apiMessage = error.providerMessage;
    return new RapatinApiError(
      error.status,
      `Rapatin answered HTTP ${error.status} to ${what}${apiMessage ? `: ${apiMessage}` : ""}`,
      {
        body: error.body,
        ...(apiMessage === undefined ? {} : { apiMessage }),
        ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      },
    );
  }
  if (error instanceof HttpTimeoutError) return new RapatinTimeoutError(what, error.timeoutMs);
  if (error instanceof HttpNetworkError)
    return new RapatinNetworkError(what, { cause: error.cause });
  if (error instanceof HttpResponseError) {
    const message =
      error.reason === "not-json"
        ? `Rapatin's answer to ${what} is not JSON`
        : `Rapatin's answer to ${what} has an unexpected shape (${error.issues.map((issue) => issue.path).join(", ")})`;
    return new RapatinApiError(error.status, message, { code: "RAPATIN_BAD_RESPONSE" });
  }
  return error;
}
