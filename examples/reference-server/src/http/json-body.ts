import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "./api-error.js";

const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads and validates a JSON body before anything else happens, so a
 * malformed request answers 400 naming each field and writes nothing.
 */
export async function readJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
): Promise<z.output<S>> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) {
    throw new ApiError(413, "PAYLOAD_TOO_LARGE", `The body is over ${MAX_BODY_BYTES} bytes`);
  }
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) {
    throw new ApiError(413, "PAYLOAD_TOO_LARGE", `The body is over ${MAX_BODY_BYTES} bytes`);
  }
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    throw new ApiError(400, "INVALID_JSON", "The body is not valid JSON");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError(
      400,
      "INVALID_BODY",
      "The body does not match the expected shape",
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`),
    );
  }
  return parsed.data;
}

/** Validates query parameters the same way (400 naming each one). */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    throw new ApiError(
      400,
      "INVALID_QUERY",
      "The query parameters do not match the expected shape",
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "(query)"}: ${issue.message}`),
    );
  }
  return parsed.data;
}
