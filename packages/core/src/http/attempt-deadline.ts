import type { Sleep } from "../time/clock.js";

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
 * would otherwise hang the call. The timer is an injected `sleep`, so tests
 * move time by hand instead of waiting.
 */
export function startAttemptDeadline(timeoutMs: number, sleep: Sleep): AttemptDeadline {
  const cut = new AbortController();
  const stopTimer = new AbortController();
  const expired = sleep(timeoutMs, stopTimer.signal).then(
    () => {
      const reached = new DeadlineReached(timeoutMs);
      cut.abort(reached);
      throw reached;
    },
    // Stopped because the attempt ended first: nothing is racing any more.
    () => new Promise<never>(() => {}),
  );
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
      stopTimer.abort();
    },
  };
}
