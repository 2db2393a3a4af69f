import { type Clock, type IdempotencyStore, type JobQueue, systemClock } from "@lunas/core";
import {
  callableSchema,
  clockSchema,
  idempotencyStoreSchema,
  portSchema,
} from "@lunas/core/validation";
import { z } from "zod";
import type { AiProvider } from "../ai/ai-provider.js";
import type { WhatsAppSender } from "../fonnte/whatsapp-sender.js";
import type { IdentityResolver } from "../identity/identity-resolver.js";
import type { RateLimiter } from "../rate-limit/rate-limiter.js";
import type { SessionStore } from "../session/session-store.js";
import type { BridgeEvent } from "./bridge-events.js";

/** What the app's context hook is told about the message being answered. */
export interface ContextInput {
  /** `62…` digits. */
  sender: string;
  userId: string;
  message: string;
}

/** The fixed texts the bridge sends. Defaults are Indonesian. */
export interface BridgeMessages {
  /** To a number that is not an approved user's, at most once per `unknownSenderWindowMs`. */
  unknownSender: string;
  /** When answering failed (once per message). */
  apology: string;
  /** To a message over `maxMessageChars`. */
  tooLong: string;
  /** Once per window, to the first message over the rate limit. */
  rateLimited: string;
}

export interface WhatsAppAiBridgeOptions {
  /** Sends the replies: a `FonnteClient`. */
  sender: WhatsAppSender;
  ai: AiProvider;
  identity: IdentityResolver;
  sessions: SessionStore;
  /** Shared by the instances behind one number, for the per-sender limit to hold across them. */
  rateLimiter: RateLimiter;
  /** Dedupe of Fonnte's `inboxid` on core's claim primitive. */
  dedupe: IdempotencyStore;
  /**
   * Where accepted messages wait to be answered and failed sends wait to be
   * retried (workers registered by `start()`). With a durable queue
   * (`PgBossJobQueue`) a message acknowledged with 200 is answered even when the
   * process dies before it sent the reply. Without a queue the answer runs in
   * this process after the 200 and is lost with it, and failed sends are only counted.
   */
  queue?: JobQueue;
  /**
   * Shared secrets (Fonnte signs nothing): the webhook URL carries one as
   * `?secret=…` or a proxy adds it as the `x-webhook-secret` header. Several let one rotate.
   */
  secrets: string[];
  /** Client IPs allowed to call the webhook. Needs `clientIp`. */
  allowedIps?: string[];
  /** The caller's IP as your platform knows it (a socket address, a trusted proxy's header). */
  clientIp?: (request: Request) => string | null | undefined;
  /** Default: an Indonesian assistant prompt. */
  systemPrompt?: string;
  /** The app's own context for this sender, appended to the system prompt. */
  context?: (input: ContextInput) => Promise<string | null | undefined> | string | null | undefined;
  messages?: Partial<BridgeMessages>;
  /** Longest accepted message, in characters. Default 1,000. */
  maxMessageChars?: number;
  /** Per sender. Default 10 per minute. */
  rateLimit?: { limit: number; windowMs: number };
  /** An unknown number gets `messages.unknownSender` at most once per this window. Default 24 h. */
  unknownSenderWindowMs?: number;
  /** Longest WhatsApp message sent; longer replies are split at paragraphs. Default 4,000. */
  maxReplyChars?: number;
  /** Answer in groups (to the member who wrote). Default false: group messages are ignored. */
  allowGroups?: boolean;
  /** Quote the message being answered (needs Fonnte's inbox feature for `inboxid`). Default false. */
  quoteReplies?: boolean;
  /** Deadline for one answer (context hook and AI, retries and fallbacks included). Default 90 s. */
  answerTimeoutMs?: number;
  /** How long a claimed `inboxid` is held while it is answered. Default 10 minutes. */
  dedupeLeaseMs?: number;
  /**
   * Queued messages go to `<answerQueueName>.<lane>`, one lane per sender (a
   * hash of the number). The queue runs a lane's jobs one at a time in the
   * order they were queued, so one sender's messages are answered in order and
   * different lanes in parallel. Default `fonnte-ai-answer`.
   */
  answerQueueName?: string;
  /** How many lanes (answers running at once per worker process). Default 16. */
  answerLanes?: number;
  /**
   * How long a queued answer is claimed while the AI composes it: a job retried
   * after its process died composes it again once this has passed. Must exceed
   * `answerTimeoutMs`. Default `answerTimeoutMs` + 30 s.
   */
  answerLeaseMs?: number;
  /** Retries of a queued answer whose claim is still held (default 10, from `answerRetryDelaySeconds`, default 10, with backoff). */
  answerRetryLimit?: number;
  answerRetryDelaySeconds?: number;
  /**
   * How long one part of a queued reply is claimed while Fonnte is called; a
   * retry after a crash sends the part again only after this. Longer than the
   * sender's timeout. Default 60 s.
   */
  sendLeaseMs?: number;
  /** Job queue name for failed sends. Default `fonnte-ai-send`. */
  sendQueueName?: string;
  /** Retries of a failed send. Default 5 (backoff from 10 s). */
  sendRetryLimit?: number;
  sendRetryDelaySeconds?: number;
  /** Largest webhook body accepted. Default 64 KiB. */
  maxBodyBytes?: number;
  clock?: Clock;
  /** One event per step worth logging; see `BridgeEvent`. */
  onEvent?: (event: BridgeEvent) => void;
}

export const DEFAULT_SYSTEM_PROMPT =
  "Anda adalah asisten yang ramah dan membantu. Jawablah dalam Bahasa Indonesia yang sopan, " +
  "singkat dan jelas, kecuali pengguna menulis dalam bahasa lain. Jika tidak tahu jawabannya, katakan terus terang.";

export const DEFAULT_MESSAGES: BridgeMessages = {
  unknownSender:
    "Maaf, nomor Anda belum terdaftar atau belum disetujui. Silakan daftar atau hubungi admin untuk mendapatkan akses.",
  apology: "Maaf, terjadi kendala saat memproses pesan Anda. Silakan coba lagi beberapa saat lagi.",
  tooLong:
    "Maaf, pesan Anda terlalu panjang (maksimal 1.000 karakter). Silakan kirim pesan yang lebih singkat.",
  rateLimited: "Anda mengirim terlalu banyak pesan. Silakan tunggu sebentar sebelum mengirim lagi.",
};

const MINUTE = 60_000;

export const bridgeOptionsSchema = z
  .strictObject({
    sender: portSchema<WhatsAppSender>("WhatsAppSender", ["send"]),
    ai: portSchema<AiProvider>("AiProvider", ["generate"]),
    identity: portSchema<IdentityResolver>("IdentityResolver", ["resolve", "linkPhone"]),
    sessions: portSchema<SessionStore>("SessionStore", [
      "read",
      "append",
      "delete",
      "countActive",
      "purgeExpired",
    ]),
    rateLimiter: portSchema<RateLimiter>("RateLimiter", ["hit", "reset", "purgeExpired"]),
    dedupe: idempotencyStoreSchema,
    queue: portSchema<JobQueue>("JobQueue", ["start", "stop", "enqueue", "work"]).optional(),
    secrets: z.array(z.string().min(16, "must be at least 16 characters")).min(1),
    allowedIps: z.array(z.string().min(1)).min(1).optional(),
    clientIp: callableSchema<(request: Request) => string | null | undefined>().optional(),
    systemPrompt: z.string().min(1).default(DEFAULT_SYSTEM_PROMPT),
    context: callableSchema<NonNullable<WhatsAppAiBridgeOptions["context"]>>().optional(),
    messages: z
      .strictObject({
        unknownSender: z.string().min(1).optional(),
        apology: z.string().min(1).optional(),
        tooLong: z.string().min(1).optional(),
        rateLimited: z.string().min(1).optional(),
      })
      .default({}),
    maxMessageChars: z.number().int().positive().default(1000),
    rateLimit: z
      .strictObject({ limit: z.number().int().min(1), windowMs: z.number().int().positive() })
      .default({ limit: 10, windowMs: MINUTE }),
    unknownSenderWindowMs: z
      .number()
      .int()
      .positive()
      .default(24 * 60 * MINUTE),
    maxReplyChars: z.number().int().min(100).max(60_000).default(4000),
    allowGroups: z.boolean().default(false),
    quoteReplies: z.boolean().default(false),
    answerTimeoutMs: z.number().int().positive().default(90_000),
    dedupeLeaseMs: z
      .number()
      .int()
      .positive()
      .default(10 * MINUTE),
    answerQueueName: z
      .string()
      .regex(/^[A-Za-z0-9][\w.:-]{0,109}$/, "must be a job queue name (lanes add `.<n>`)")
      .default("fonnte-ai-answer"),
    answerLanes: z.number().int().min(1).max(256).default(16),
    answerLeaseMs: z.number().int().positive().optional(),
    answerRetryLimit: z.number().int().min(0).default(10),
    answerRetryDelaySeconds: z.number().int().min(1).default(10),
    sendLeaseMs: z.number().int().positive().default(MINUTE),
    sendQueueName: z
      .string()
      .regex(/^[\w.:-]{1,120}$/)
      .default("fonnte-ai-send"),
    sendRetryLimit: z.number().int().min(0).default(5),
    sendRetryDelaySeconds: z.number().int().min(1).default(10),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024),
    clock: clockSchema.default(() => systemClock),
    onEvent: callableSchema<(event: BridgeEvent) => void>().optional(),
  })
  .refine((o) => o.allowedIps === undefined || o.clientIp !== undefined, {
    message: "allowedIps needs clientIp: a Request does not carry the caller's address",
    path: ["clientIp"],
  })
  .refine((o) => o.answerLeaseMs === undefined || o.answerLeaseMs > o.answerTimeoutMs, {
    message: "must exceed answerTimeoutMs, or a slow answer would lose its claim to a retry",
    path: ["answerLeaseMs"],
  });

export type ParsedBridgeOptions = z.output<typeof bridgeOptionsSchema>;
