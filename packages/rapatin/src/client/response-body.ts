/** The body did not arrive within the deadline; internal, turned into `RapatinTimeoutError`. */
export class BodyDeadlineError extends Error {
  constructor() {
    super("response body deadline passed");
    this.name = "BodyDeadlineError";
  }
}

/**
 * Reads a response body as text within `timeoutMs`. ky's timeout ends once the
 * headers arrive, so a body that stalls would otherwise hang the call, and a
 * booking's claim with it, forever. At the deadline `cut` is aborted (which
 * ends the body stream and frees the connection) and the read fails with
 * `BodyDeadlineError`, even if the fetch in use ignores the abort.
 */
export async function readBodyWithin(
  response: Response,
  timeoutMs: number,
  cut: AbortController,
): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new BodyDeadlineError());
      cut.abort(new BodyDeadlineError());
    }, timeoutMs);
  });
  try {
    return await Promise.race([response.text(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
