/** The reason an attempt's signal aborts when its time is up. */
export class DeadlineReached extends Error {
  constructor(readonly timeoutMs: number) {
    super(`No complete answer within ${timeoutMs} ms`);
    this.name = "DeadlineReached";
  }
}

export interface AttemptDeadline {
  /** Aborts at the deadline: pass it to fetch so the request and its body stream end. */
  readonly signal: AbortSignal;
  /**
   * Settles like `work`, or rejects with `DeadlineReached` at the deadline even
   * if `work` ignores the signal (a custom fetch, a body stream that never ends).
   */
  within<T>(work: Promise<T>): Promise<T>;
  /** Cancels the timer; call once the attempt is over. */
  stop(): void;
}

/**
 * One timer for a whole attempt: headers and body together, because fetch
 * timeouts (ky's included) end once the headers arrive and a body that stalls
 * would otherwise hang the call. A real timer, never an injected `sleep`: that
 * one paces retries, and a caller who makes it a no-op or a fake to skip the
 * backoff must still get timeouts.
 */
export function startAttemptDeadline(timeoutMs: number): AttemptDeadline {
  const cut = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reached = new DeadlineReached(timeoutMs);
      cut.abort(reached);
      reject(reached);
    }, timeoutMs);
  });
  // Between two `within` calls nobody listens; the next race still sees the rejection.
  expired.catch(() => {});
  return {
    signal: cut.signal,
    within<T>(work: Promise<T>): Promise<T> {
      // The loser of the race may reject later (an aborted body read); that is expected.
      work.catch(() => {});
      return Promise.race([work, expired]);
    },
    stop() {
      // Once stopped, `expired` never settles: nothing is racing any more.
      clearTimeout(timer);
    },
  };
}
