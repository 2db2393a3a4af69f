import { z } from "zod";

/**
 * An `AbortSignal`, by shape rather than `instanceof` so signals from another
 * realm or runtime (Deno, workers, polyfills) pass. The methods are checked
 * because code holding a signal calls them later, often inside a timer where a
 * TypeError would crash the process instead of rejecting a promise.
 */
export const abortSignalSchema: z.ZodCustom<AbortSignal, AbortSignal> = z.custom<AbortSignal>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    ["addEventListener", "removeEventListener", "throwIfAborted"].every(
      (method) => typeof (value as Record<string, unknown>)[method] === "function",
    ) &&
    typeof (value as { aborted?: unknown }).aborted === "boolean",
  "must be an AbortSignal",
);
