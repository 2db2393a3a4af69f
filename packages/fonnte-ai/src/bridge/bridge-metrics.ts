/** Why a message got no AI answer. */
export type RejectionReason =
  | "unauthorized"
  | "forbidden_ip"
  | "invalid_payload"
  | "invalid_sender"
  | "unknown_sender"
  | "too_long"
  | "empty";

export interface LatencySummary {
  count: number;
  /** Over the last 1,000 calls. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Counters since the bridge was created, for a health or metrics endpoint. */
export interface BridgeMetrics {
  messagesIn: number;
  /** Reply messages Fonnte accepted (a long reply split in three counts three). */
  repliesSent: number;
  rejected: number;
  rejectedBy: Record<RejectionReason, number>;
  rateLimited: number;
  duplicates: number;
  ignoredGroups: number;
  aiFailures: number;
  aiLatency: LatencySummary;
  /** Sends Fonnte did not accept (each attempt that failed). */
  sendFailures: number;
  /** Sends handed to the job queue to retry. */
  sendsQueued: number;
  /** Sessions live in the session store. */
  activeSessions: number;
  /** Messages accepted and not yet answered. */
  inFlight: number;
}

const WINDOW = 1000;

/** The bridge's counters; one per bridge, mutated in place. */
export class BridgeCounters {
  messagesIn = 0;
  repliesSent = 0;
  rateLimited = 0;
  duplicates = 0;
  ignoredGroups = 0;
  aiFailures = 0;
  consecutiveAiFailures = 0;
  sendFailures = 0;
  sendsQueued = 0;
  inFlight = 0;
  readonly rejectedBy: Record<RejectionReason, number> = {
    unauthorized: 0,
    forbidden_ip: 0,
    invalid_payload: 0,
    invalid_sender: 0,
    unknown_sender: 0,
    too_long: 0,
    empty: 0,
  };
  #latencies: number[] = [];
  #latencyCount = 0;
  #latencyMax = 0;

  reject(reason: RejectionReason): void {
    this.rejectedBy[reason]++;
  }

  recordAiLatency(ms: number): void {
    this.#latencyCount++;
    this.#latencyMax = Math.max(this.#latencyMax, ms);
    // A ring of the last WINDOW samples keeps memory flat on a long-running bridge.
    this.#latencies[(this.#latencyCount - 1) % WINDOW] = ms;
  }

  #percentile(p: number): number {
    if (this.#latencies.length === 0) return 0;
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  }

  snapshot(activeSessions: number): BridgeMetrics {
    const rejected = Object.values(this.rejectedBy).reduce((a, b) => a + b, 0);
    return {
      messagesIn: this.messagesIn,
      repliesSent: this.repliesSent,
      rejected,
      rejectedBy: { ...this.rejectedBy },
      rateLimited: this.rateLimited,
      duplicates: this.duplicates,
      ignoredGroups: this.ignoredGroups,
      aiFailures: this.aiFailures,
      aiLatency: {
        count: this.#latencyCount,
        p50Ms: this.#percentile(50),
        p99Ms: this.#percentile(99),
        maxMs: this.#latencyMax,
      },
      sendFailures: this.sendFailures,
      sendsQueued: this.sendsQueued,
      activeSessions,
      inFlight: this.inFlight,
    };
  }
}
