/**
 * Runs tasks one at a time per key and different keys in parallel (grammY's
 * `sequentialize`). Without it two quick messages from one sender are answered
 * concurrently: both read the same history, the second answer misses the
 * first exchange, and whichever append lands last loses the other (a lost
 * update), and the replies can arrive out of order.
 */
export class SenderSequencer {
  readonly #tails = new Map<string, Promise<void>>();

  /** Senders with work queued or running. */
  get activeKeys(): number {
    return this.#tails.size;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    // The chain never rejects, so one failed task does not skip the ones after it.
    const tail = result.then(
      () => {},
      () => {},
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      // Forget idle senders, or the map would hold every sender ever seen.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Resolves once everything queued so far has finished. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) {
      await Promise.all([...this.#tails.values()]);
    }
  }
}
