import { HTTPError, TimeoutError } from "ky";
import { fieldsOf, validationBodySchema } from "./envelope.js";
import {
  RapatinApiError,
  RapatinNetworkError,
  RapatinTimeoutError,
  RapatinValidationError,
} from "./rapatin-errors.js";

/**
 * Turns whatever ky threw into a typed Rapatin error. ky's errors carry the
 * request (with its Authorization header), so they are never attached as
 * `cause`: only status, Rapatin's message and field messages go out.
 * `readJson` reads an error answer's body within the deadline; a body that is
 * not JSON, fails or stalls reads as `undefined` (the status alone then speaks).
 */
export async function toRapatinError(
  error: unknown,
  what: string,
  timeoutMs: number,
  readJson: (response: Response) => Promise<unknown>,
): Promise<unknown> {
  if (error instanceof HTTPError) {
    const status = error.response.status;
    const parsed = validationBodySchema.safeParse(await readJson(error.response));
    const apiMessage = parsed.success
      ? (parsed.data.response?.message ?? parsed.data.message ?? undefined)
      : undefined;
    if (status === 422) {
      return new RapatinValidationError(
        `Rapatin rejected ${what}`,
        parsed.success ? fieldsOf(parsed.data) : {},
      );
    }
    return new RapatinApiError(
      status,
      `Rapatin answered HTTP ${status} to ${what}${apiMessage ? `: ${apiMessage}` : ""}`,
      { apiMessage },
    );
  }
  if (error instanceof TimeoutError) return new RapatinTimeoutError(what, timeoutMs);
  // A caller's (or the token provider's) abort stays what it is.
  if (error instanceof DOMException && error.name === "AbortError") return error;
  if (error instanceof RapatinApiError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new RapatinNetworkError(what, { cause: { message: reason } });
}
