import { LunasError } from "../errors/lunas-error.js";
import { DeadlineReached, startAttemptDeadline } from "./attempt-deadline.js";

/**
 * The body did not arrive within its deadline. API clients turn it into their
 * own timeout error (XenditTimeoutError, RapatinTimeoutError).
 */
export class ResponseBodyTimeoutError extends LunasError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super("RESPONSE_BODY_TIMEOUT", `The response body did not arrive within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Reads a response body as text within `timeoutMs`, for code that does its
 * own fetch (`createJsonHttpClient` already bounds headers and body). ky's
 * timeout (like most fetch timeouts) ends once the headers arrive, so a body
 * that stalls would otherwise hang the call forever. At the deadline `cut` is
 * aborted (pass the controller whose signal the request was sent with: that
 * ends the body stream and frees the connection) and the read fails with
 * `ResponseBodyTimeoutError`, even if the fetch in use ignores the abort.
 */
export async function readBodyWithin(
  response: Response,
  timeoutMs: number,
  cut: AbortController,
): Promise<string> {
  const deadline = startAttemptDeadline(timeoutMs);
  try {
    return await deadline.within(response.text());
  } catch (error) {
    if (!(error instanceof DeadlineReached)) throw error;
    const timedOut = new ResponseBodyTimeoutError(timeoutMs);
    cut.abort(timedOut);
    throw timedOut;
  } finally {
    deadline.stop();
  }
}
