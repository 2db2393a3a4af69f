import { parseInput } from "../errors/parse-input.js";
import { epochMsSchema } from "../input/epoch-ms.js";
import type { Clock } from "../time/clock.js";
import { idempotencyHolderSchema } from "./idempotency-key.js";

// Both processors read the injected clock and holderId through these, once per
// call, so what reaches a store or the database is a time and a holder it can
// keep; a bad reading is an InvalidArgumentError before anything is written.

/** The clock's reading in whole milliseconds (stores keep no fractions). */
export function readNowMs(clock: Clock): number {
  return parseInput(epochMsSchema, Math.floor(clock.now()), "clock.now() reading");
}

/** A new claim holder from `holderId()`. */
export function readHolder(holderId: () => string): string {
  return parseInput(idempotencyHolderSchema, holderId(), "holderId() result");
}
