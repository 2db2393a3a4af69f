import {
  type Clock,
  type IdempotencyStore,
  MemoryIdempotencyStore,
  MemoryJobQueue,
} from "@lunas/core";
import { migrateCore, PostgresIdempotencyStore } from "@lunas/core/postgres";
import { createPostgresTestSchema, ManualClock, type TestDatabase } from "@lunas/core/testing";
import {
  type BridgeEvent,
  createFonnteClient,
  createGeminiProvider,
  createWhatsAppAiBridge,
  MemoryRateLimiter,
  MemorySessionStore,
  type RateLimiter,
  type SessionStore,
  type WhatsAppAiBridgeOptions,
} from "@lunas/fonnte-ai";
import { migrateFonnteAi, PostgresIdentityResolver } from "@lunas/fonnte-ai/postgres";
import {
  buildFonnteWebhook,
  FakeFonnteServer,
  FakeGeminiServer,
  fonnteWebhookRequest,
} from "@lunas/fonnte-ai/testing";
import { createUsersTable } from "../identity/users-table.js";

export const SECRET = "webhook-secret-0123456789";
export const APPROVED = "6281234567890";
export const APPROVED_2 = "6285712345678";
export const PENDING = "6281298765432";
export const STRANGER = "6281399990000";
export const MODELS = ["gemini-2.5-flash", "gemini-2.0-flash"];

/**
 * What every bridge test runs against: the real PostgreSQL server (a schema of
 * its own, the app's users table in it), fake Fonnte and Gemini on real HTTP.
 */
export interface BridgeWorld {
  db: TestDatabase;
  fonnte: FakeFonnteServer;
  gemini: FakeGeminiServer;
  close(): Promise<void>;
}

export async function createBridgeWorld(prefix: string): Promise<BridgeWorld> {
  const db = await createPostgresTestSchema(prefix);
  await migrateCore(db.executor, { schema: db.schema });
  await migrateFonnteAi(db.executor, { schema: db.schema });
  await createUsersTable(db.executor, db.schema, [
    { id: "user-1", phone_number: APPROVED, is_approved: true },
    { id: "user-2", phone_number: APPROVED_2, is_approved: true },
    { id: "user-3", phone_number: PENDING, is_approved: false },
    { id: "user-4", phone_number: null, is_approved: true },
  ]);
  const [fonnte, gemini] = await Promise.all([FakeFonnteServer.start(), FakeGeminiServer.start()]);
  return {
    db,
    fonnte,
    gemini,
    async close() {
      await Promise.all([fonnte.close(), gemini.close()]);
      await db.drop();
    },
  };
}

export interface BridgeUnderTest {
  bridge: ReturnType<typeof createWhatsAppAiBridge>;
  clock: ManualClock;
  queue: MemoryJobQueue;
  sessions: SessionStore;
  events: BridgeEvent[];
  /** Posts a webhook with the right secret. */
  deliver(sender: string, message: string, extra?: Record<string, unknown>): Promise<Response>;
}

export interface BridgeParts {
  clock?: ManualClock;
  sessions?: SessionStore;
  rateLimiter?: RateLimiter;
  dedupe?: IdempotencyStore;
  options?: Partial<WhatsAppAiBridgeOptions>;
  fonnteAttempts?: number;
}

export async function createBridge(
  world: BridgeWorld,
  parts: BridgeParts = {},
): Promise<BridgeUnderTest> {
  const clock = parts.clock ?? new ManualClock(Date.UTC(2026, 4, 17, 8, 30, 0, 0));
  const queue = new MemoryJobQueue({ clock, sleep: clock.sleep, random: () => 0.5 });
  await queue.start();
  const sessions = parts.sessions ?? new MemorySessionStore({ clock, cleanupIntervalMs: 0 });
  const events: BridgeEvent[] = [];
  const bridge = createWhatsAppAiBridge({
    sender: createFonnteClient({
      token: world.fonnte.token,
      baseUrl: world.fonnte.url,
      timeoutMs: 2_000,
      maxAttempts: parts.fonnteAttempts ?? 1,
    }),
    ai: createGeminiProvider({
      apiKey: world.gemini.apiKey,
      baseUrl: world.gemini.url,
      models: MODELS,
      timeoutMs: 2_000,
      retryBaseDelayMs: 5,
    }),
    identity: new PostgresIdentityResolver(world.db.executor, { schema: world.db.schema }),
    sessions,
    rateLimiter: parts.rateLimiter ?? new MemoryRateLimiter(),
    dedupe: parts.dedupe ?? new MemoryIdempotencyStore(),
    queue,
    secrets: [SECRET],
    clock: clock as Clock,
    onEvent: (event) => events.push(event),
    ...parts.options,
  });
  await bridge.start();
  return {
    bridge,
    clock,
    queue,
    sessions,
    events,
    deliver: (sender, message, extra = {}) =>
      bridge(
        fonnteWebhookRequest(buildFonnteWebhook({ sender, message, ...extra }), { secret: SECRET }),
      ),
  };
}

export const postgresDedupe = (world: BridgeWorld) =>
  new PostgresIdempotencyStore(world.db.executor, { schema: world.db.schema });

export async function statusOf(response: Response): Promise<string> {
  return ((await response.json()) as { status?: string }).status ?? `HTTP ${response.status}`;
}
