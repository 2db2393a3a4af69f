import { z } from "zod";

/**
 * Whole milliseconds since the epoch within the range of a JavaScript Date, so
 * every accepted time has an ISO form for SQL (NaN, Infinity and fractions are refused).
 */
export const epochMsSchema = z.number().int().min(0).max(8_640_000_000_000_000);
