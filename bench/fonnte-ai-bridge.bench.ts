import { availableParallelism, loadavg } from "node:os";
import { MemoryIdempotencyStore, MemoryJobQueue } from "@lunas/core";
import {
  type AiProvider,
  createWhatsAppAiBridge,
  type IdentityResolver,
  MemoryRateLimiter,
  MemorySessionStore,
  type WhatsAppSender,
} from "@lunas/fonnte-ai";
import { runPool } from "./machine.js";

const SENDERS = 1_000;
const PER_SENDER = 10; // the default limit: 10 per minute, all allowed
const IN_FLIGHT = 50;
const SECRET = "bench-webhook-secret-0123456789";

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/**
 * One run of `messages` webhooks. CPU time (process.cpuUsage, all threads) is
 * counted from the first webhook to the last reply sent; the `Request`s are
 * built before that. `queued`: the bridge answers through a MemoryJobQueue
 * (per-sender lanes, the reply's and each part's claim) instead of in process.
 */
async function phase(
  label: string,
  messages: number,
  inFlight: number,
  offset: number,
  queued = false,
) {
  const phones = Array.from({ length: SENDERS }, (_, i) => `628123${String(i).padStart(6, "0")}`);
  const approved = new Set(phones);
  const requestedAt = new Map<string, number>();
  const latencies: number[] = [];
  let sent = 0;

  const sender: WhatsAppSender = {
    async send({ message }) {
      sent++;
      const started = requestedAt.get(message.slice(message.lastIndexOf(" ") + 1));
      if (started !== undefined) latencies.push(performance.now() - started);
      return { ids: [String(sent)] };
    },
  };
  const ai: AiProvider = {
    // Markdown in, so the formatting runs as it would on a real answer.
    generate: async ({ message }) => ({
      text: `**Jawaban** untuk pesan Anda:\n\n- poin satu\n- poin dua\n\n${message}`,
      model: "instant",
      blocked: false,
    }),
  };
  const identity: IdentityResolver = {
    resolve: async (phone) => (approved.has(phone) ? { userId: phone, approved: true } : null),
    linkPhone: async () => "no_user",
  };
  const sessions = new MemorySessionStore({ cleanupIntervalMs: 0 });
  const queue = queued ? new MemoryJobQueue() : undefined;
  await queue?.start();
  const bridge = createWhatsAppAiBridge({
    sender,
    ai,
    identity,
    sessions,
    rateLimiter: new MemoryRateLimiter(),
    dedupe: new MemoryIdempotencyStore(),
    secrets: [SECRET],
    ...(queue ? { queue } : {}),
  });
  await bridge.start();

  // The webhooks Fonnte would post, built before the clock starts: making a
  // `Request` is the HTTP server's work, not the bridge's (reading its body is
  // the bridge's, and is measured).
  const requests = Array.from({ length: messages }, (_, i) => {
    const id = `m${offset + i}`;
    return {
      id,
      request: new Request(`https://bench.local/webhooks/fonnte?secret=${SECRET}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          device: "6281100000000",
          sender: phones[i % SENDERS],
          message: `Pertanyaan nomor ${id}`,
          name: "Bench",
          inboxid: id,
        }),
      }),
    };
  });

  const acks: number[] = [];
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  await runPool(messages, inFlight, async (i) => {
    const { id, request } = requests[i]!;
    const began = performance.now();
    requestedAt.set(id, began);
    const response = await bridge(request);
    acks.push(performance.now() - began);
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
  });
  await bridge.idle();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  sessions.close();
  await queue?.stop();

  const metrics = await bridge.metrics();
  if (sent !== messages || metrics.repliesSent !== messages) {
    throw new Error(`expected ${messages} replies, sent ${sent} (${JSON.stringify(metrics)})`);
  }
  latencies.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  const cpuMs = (cpu.user + cpu.system) / 1000 / messages;
  console.log(`  ${label}`);
  console.log(
    `    throughput ${(messages / seconds).toFixed(0)} messages/s (wall);  CPU ${cpuMs.toFixed(3)} ms per message → ${(1000 / cpuMs).toFixed(0)} messages/s per fully available core`,
  );
  console.log(
    `    webhook → reply sent  p50 ${percentile(latencies, 50).toFixed(2)} ms  p99 ${percentile(latencies, 99).toFixed(2)} ms  max ${latencies.at(-1)?.toFixed(2)} ms;  webhook → 200  p99 ${percentile(acks, 99).toFixed(2)} ms`,
  );
}

/**
 * The bridge's own cost per message: webhook → gate → parse → normalise →
 * rate limit → identity → inboxid claim → 200 → per-sender lane → history →
 * AI → history → Markdown → split → send, with an AI and a Fonnte that answer
 * at once (in process), so every millisecond measured is the bridge's.
 * Throughput with 50 webhooks in flight; overhead one at a time (no queueing);
 * then the queued path's own cost on the in-process job queue.
 */
export async function run() {
  const total = SENDERS * PER_SENDER;
  console.log(
    `fonnte-ai bridge: ${SENDERS.toLocaleString("en")} senders, instant in-process AI and Fonnte, memory stores (load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores)`,
  );
  await phase(
    `${total.toLocaleString("en")} messages (${PER_SENDER} per sender), ${IN_FLIGHT} in flight`,
    total,
    IN_FLIGHT,
    0,
  );
  await phase("2,000 messages one at a time (overhead without queueing)", 2_000, 1, total);
  await phase(
    "3,000 messages answered through the job queue (MemoryJobQueue), 50 in flight",
    3_000,
    IN_FLIGHT,
    total + 2_000,
    true,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
