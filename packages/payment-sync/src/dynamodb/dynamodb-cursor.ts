import { InvalidArgumentError } from "@lunas/core";

// A DynamoDB scan resumes from LastEvaluatedKey, an object of key attributes;
// the ports' cursors are strings, so it travels as JSON.

export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key === undefined ? null : JSON.stringify(key);
}

export function decodeCursor(cursor: string | null): Record<string, unknown> | undefined {
  if (cursor === null) return undefined;
  try {
    return JSON.parse(cursor) as Record<string, unknown>;
  } catch {
    throw new InvalidArgumentError("Invalid cursor", ["cursor: not one this adapter returned"]);
  }
}

/** Per-call deadline: a DynamoDB endpoint that stops answering must not hang a run. */
export function callOptions(timeoutMs: number): { abortSignal: AbortSignal } {
  return { abortSignal: AbortSignal.timeout(timeoutMs) };
}

export function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === "ConditionalCheckFailedException";
}
