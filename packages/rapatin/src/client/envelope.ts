import type { AnswerVerdict, HttpAnswer } from "@lunas/core";
import { z } from "zod";

/** Every Rapatin answer: `{ response: { status, status_code, message }, data }`. */
export function envelopeSchema<D extends z.ZodType>(data: D) {
  return z.object({
    response: z.object({
      status: z.string(),
      status_code: z.number().int(),
      message: z.string().nullish(),
    }),
    data,
  });
}

export const loginDataSchema = z.looseObject({
  token: z.string().min(1),
  /** Not in Rapatin's reference today; honoured if it ever sends a lifetime (seconds). */
  expires_in: z.number().positive().optional(),
});

export const listDataSchema = z.looseObject({ items: z.array(z.unknown()) });

const fieldMessages = z.record(z.string(), z.union([z.array(z.string()), z.string()]));

/** Where a 422 carries its field messages: top-level `errors`, `data.errors` or `data` itself. */
export const validationBodySchema = z.looseObject({
  response: z.looseObject({ message: z.string().nullish() }).optional(),
  message: z.string().nullish(),
  errors: fieldMessages.optional(),
  data: z.union([z.looseObject({ errors: fieldMessages.optional() }), fieldMessages]).nullish(),
});

export function fieldsOf(body: z.output<typeof validationBodySchema>): Record<string, string[]> {
  const candidates = [
    body.errors,
    (body.data as { errors?: unknown } | null | undefined)?.errors,
    body.data,
  ];
  for (const candidate of candidates) {
    const parsed = fieldMessages.safeParse(candidate);
    if (parsed.success && Object.keys(parsed.data).length > 0) {
      return Object.fromEntries(
        Object.entries(parsed.data).map(([field, messages]) => [
          field,
          Array.isArray(messages) ? messages : [messages],
        ]),
      );
    }
  }
  return {};
}

const anyEnvelope = envelopeSchema(z.unknown());

/**
 * The client's `parseAnswer`: a success is unwrapped from the envelope (its
 * `data` is then checked against the request's schema); an error answer
 * lends its `response.message` to the error.
 */
export function readRapatinAnswer(answer: HttpAnswer): AnswerVerdict {
  if (answer.status >= 200 && answer.status < 300) {
    const parsed = anyEnvelope.safeParse(answer.body);
    if (parsed.success) return { data: parsed.data.data };
    return {
      unreadable: parsed.error.issues.map((issue) => ({
        path: issue.path.join(".") || "(root)",
        message: issue.message,
      })),
    };
  }
  const parsed = validationBodySchema.safeParse(answer.body);
  const message = parsed.success
    ? (parsed.data.response?.message ?? parsed.data.message ?? undefined)
    : undefined;
  return { failure: message ? { message } : {} };
}
