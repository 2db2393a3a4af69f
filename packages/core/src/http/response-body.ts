import { LunasError } from "../errors/lunas-error.js";

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
 * Reads a response body as text within `timeoutMs`. ky's timeout (like most
 * fetch timeouts) ends once the headers arrive, so a body that stalls would
 * otherwise hang the call forever. At the deadline `cut` is aborted (pass the
 * controller whose signal the request was sent with: that ends the body stream
 * and frees the connection) and the read fails with `ResponseBodyTimeoutError`,
 * even if the fetch in use ignores the abort.
 */
export async function readBodyWithin(
  response: Response,
  timeoutMs: number,
  cut: AbortController,
): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ResponseBodyTimeoutError(timeoutMs);
      reject(error);
      cut.abort(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([response.text(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
