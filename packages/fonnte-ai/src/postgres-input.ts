import { sqlExecutorSchema } from "@lunas/core/validation";
import { z } from "zod";

/** The arguments every PostgreSQL adapter here takes: an executor and strict options. */
export function postgresArgumentsSchema<S extends z.ZodRawShape>(options: S) {
  return z.object({
    executor: sqlExecutorSchema,
    options: z.strictObject({ schema: z.string().default("public"), ...options }),
  });
}

export const toIso = (ms: number) => new Date(ms).toISOString();

/** `timestamptz` read back as ms epoch: the SQL selects it as `extract(epoch …) * 1000`. */
export const epochMsSql = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;
