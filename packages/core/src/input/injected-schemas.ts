import { z } from "zod";
import type { IdempotencyStore } from "../idempotency/idempotency-store.js";
import type { SqlExecutor } from "../sql/executor.js";
import type { Clock, Sleep } from "../time/clock.js";
import type { TokenStore } from "../token/token-store.js";

// Zod schemas for what callers inject into public functions: clocks, sleeps,
// callbacks and ports. Only the shape can be checked up front, but that is
// enough to refuse a wrong object before anything is written rather than fail
// halfway through a write when a missing method is first called.

type AnyFunction = (...args: never[]) => unknown;

/** The keys of `T` whose values are functions (optional ones included). */
export type MethodName<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends AnyFunction ? K : never;
}[keyof T] &
  string;

function hasMethods(value: unknown, methods: readonly string[]): boolean {
  // Objects only: a bare function carrying the right properties is almost
  // always a mistake (a factory passed instead of what it makes).
  return (
    typeof value === "object" &&
    value !== null &&
    methods.every((method) => typeof (value as Record<string, unknown>)[method] === "function")
  );
}

/** Any function; `message` says which one is expected, e.g. `"must be a function (signal) => Promise<{ token }>"`. */
export function callableSchema<F extends AnyFunction = AnyFunction>(
  message = "must be a function",
): z.ZodCustom<F, F> {
  return z.custom<F>((value) => typeof value === "function", message);
}

/**
 * An object implementing the port `T` through `methods` (looked up on the
 * prototype chain too, so class instances pass). Fails with
 * `must implement <description> (<methods>)`.
 */
export function portSchema<T extends object>(
  description: string,
  methods: readonly MethodName<T>[],
): z.ZodCustom<T, T> {
  return z.custom<T>(
    (value) => hasMethods(value, methods),
    `must implement ${description} (${methods.join(", ")})`,
  );
}

/** A `Clock`: an object with `now()`. */
export const clockSchema: z.ZodCustom<Clock, Clock> = z.custom<Clock>(
  (value) => hasMethods(value, ["now"]),
  "must be a Clock (an object with now())",
);

/** A `Sleep` function. */
export const sleepSchema: z.ZodCustom<Sleep, Sleep> = callableSchema<Sleep>(
  "must be a Sleep function (ms, signal?) => Promise<void>",
);

/** An `IdempotencyStore` with all five verbs. */
export const idempotencyStoreSchema: z.ZodCustom<IdempotencyStore, IdempotencyStore> =
  portSchema<IdempotencyStore>("IdempotencyStore", [
    "claim",
    "complete",
    "release",
    "get",
    "purgeExpired",
  ]);

/** A `TokenStore`: get, set, delete, compareAndDelete, and either both lease verbs or neither. */
export const tokenStoreSchema: z.ZodCustom<TokenStore, TokenStore> = z.custom<TokenStore>(
  (value) =>
    hasMethods(value, ["get", "set", "delete", "compareAndDelete"]) &&
    // A lease that can be taken but never given back would stall every other process.
    hasMethods(value, ["acquireLease"]) === hasMethods(value, ["releaseLease"]),
  "must implement TokenStore (get, set, delete, compareAndDelete; acquireLease and releaseLease together)",
);

/** A `SqlExecutor` (query, exec, transaction). */
export const sqlExecutorSchema: z.ZodCustom<SqlExecutor, SqlExecutor> = portSchema<SqlExecutor>(
  "SqlExecutor",
  ["query", "exec", "transaction"],
);
