import { z } from "zod";

export const chatMessageSchema = z.strictObject({
  role: z.enum(["user", "model"]),
  text: z.string(),
});

export const sessionPolicyFields = {
  // Two is one question and its answer: less could never keep a whole turn.
  maxMessages: z.number().int().min(2).max(1000).default(20),
  ttlMs: z
    .number()
    .int()
    .positive()
    .default(30 * 60 * 1000),
};
