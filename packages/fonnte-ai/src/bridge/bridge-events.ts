/**
 * What the bridge reports as it works: one JSON-serialisable object per event,
 * ready for a JSON log line (`onEvent: (e) => console.log(JSON.stringify(e))`).
 * Events never carry message text, tokens or secrets; phone numbers are masked.
 */
export type BridgeEvent =
  | { type: "message.rejected"; reason: string; sender?: string }
  | { type: "message.rate_limited"; sender: string; hits: number }
  | { type: "message.duplicate"; sender: string; inboxId: string }
  | { type: "message.accepted"; sender: string; inboxId: string | null }
  | { type: "ai.answered"; sender: string; model: string; blocked: boolean; latencyMs: number }
  | { type: "ai.failed"; sender: string; code: string; latencyMs: number }
  | { type: "send.failed"; target: string; code: string; queued: boolean }
  | { type: "send.retried"; target: string; parts: number }
  | { type: "bridge.error"; code: string; message: string };

/** `62812****7890`: enough to tell senders apart in logs, not enough to text them. */
export function maskPhone(phone: string): string {
  if (phone.length <= 8) return "****";
  return `${phone.slice(0, 5)}****${phone.slice(-3)}`;
}

/** The stable code of an error, for logs (never its message, which may carry input). */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : error instanceof Error ? error.name : "UNKNOWN";
}
