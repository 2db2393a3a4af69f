import { z } from "zod";
import { InvalidArgumentError } from "../errors/lunas-error.js";
import { parseInput } from "../errors/parse-input.js";
import type { Clock, Sleep } from "./clock.js";

const finite = z.number().refine(Number.isFinite, "must be a finite number");

/**
 * A clock tests move by hand. `sleep` resolves when `advance` passes its
 * deadline, so code that waits can be tested without real waiting.
 */
export class ManualClock implements Clock {
  #now: number;
  #sleepers: { until: number; resolve: () => void }[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = parseInput(finite, start, "ManualClock start");
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    // Time only moves forward, as the code under test assumes of a real clock.
    this.#now += parseInput(finite.min(0), ms, "ManualClock advance");
    const due = this.#sleepers.filter((s) => s.until <= this.#now);
    this.#sleepers = this.#sleepers.filter((s) => s.until > this.#now);
    for (const sleeper of due) sleeper.resolve();
  }

  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      if (typeof ms !== "number" || Number.isNaN(ms)) {
        reject(new InvalidArgumentError("Invalid sleep", ["ms: must be a number"]));
        return;
      }
      if (ms <= 0) {
        resolve();
        return;
      }
      const sleeper = { until: this.#now + ms, resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener(
        "abort",
        () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
    });
}
