import { MemorySessionStore } from "@lunas/fonnte-ai";
import { PostgresRateLimiter, PostgresSessionStore } from "@lunas/fonnte-ai/postgres";
import { buildFonnteWebhook, fonnteWebhookRequest } from "@lunas/fonnte-ai/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  APPROVED,
  APPROVED_2,
  type BridgeWorld,
  createBridge,
  createBridgeWorld,
  PENDING,
  postgresDedupe,
  SECRET,
  STRANGER,
  statusOf,
} from "./bridge-world.js";

describe("createWhatsAppAiBridge with fake Fonnte and Gemini servers", () => {
  let world: BridgeWorld;
  beforeAll(async () => {
    world = await createBridgeWorld("fonnte_bridge");
  });
  afterAll(() => world.close());
  beforeEach(async () => {
    world.fonnte.sent.length = 0;
    world.fonnte.calls.length = 0;
    world.gemini.requests.length = 0;
    world.gemini.latencyMs = 0;
    world.gemini.reply = (call) => `Jawaban untuk: ${call.contents.at(-1)?.text ?? ""}`;
    await world.db.executor.query(`delete from "${world.db.schema}".fonnte_ai_rate_limits`);
    await world.db.executor.query(`delete from "${world.db.schema}".fonnte_ai_sessions`);
  });

  it("answers an approved sender with the AI's reply in WhatsApp formatting, and keeps the history", async () => {
    world.gemini.reply = () => "## Jadwal\n\nKelas **dimulai** pukul 9.\n\n- Senin\n- Rabu";
    const { deliver, bridge, sessions } = await createBridge(world);
    const response = await deliver(APPROVED, "Kapan kelasnya?");
    expect(response.status).toBe(200);
    expect(await statusOf(response)).toBe("accepted");
    await bridge.idle();
    expect(world.fonnte.messagesTo(APPROVED)).toEqual([
      "*Jadwal*\n\nKelas *dimulai* pukul 9.\n\n- Senin\n- Rabu",
    ]);
    expect(await sessions.read(APPROVED, Date.UTC(2026, 4, 17, 8, 30, 0, 0))).toEqual([
      { role: "user", text: "Kapan kelasnya?" },
      { role: "model", text: "## Jadwal\n\nKelas **dimulai** pukul 9.\n\n- Senin\n- Rabu" },
    ]);
    expect(world.gemini.requests[0]?.systemInstruction).toMatch(/Bahasa Indonesia/);
  });

  it("unknown sender → the rejection message once per window, no AI call, no history", async () => {
    const { deliver, bridge, sessions, clock } = await createBridge(world);
    for (const sender of [STRANGER, STRANGER, PENDING]) {
      expect(await statusOf(await deliver(sender, "Halo, minta data"))).toBe("unknown_sender");
    }
    await bridge.idle();
    expect(world.fonnte.messagesTo(STRANGER)).toEqual([expect.stringMatching(/belum terdaftar/)]);
    expect(world.fonnte.messagesTo(PENDING)).toHaveLength(1);
    expect(world.gemini.requests).toHaveLength(0);
    expect(await sessions.read(STRANGER, clock.now())).toEqual([]);
    expect(await sessions.countActive(clock.now())).toBe(0);
    expect((await bridge.metrics()).rejectedBy.unknown_sender).toBe(3);

    clock.advance(24 * 60 * 60 * 1000);
    await deliver(STRANGER, "Halo lagi");
    await bridge.idle();
    expect(world.fonnte.messagesTo(STRANGER), "a new window, a new notice").toHaveLength(2);
  });

  it("the same inboxid twice (one after the other, and concurrently) → one reply", async () => {
    const { bridge } = await createBridge(world);
    const payload = buildFonnteWebhook({
      sender: APPROVED,
      message: "Sekali saja",
      inboxid: "inbox-dup-1",
    });
    const send = () => bridge(fonnteWebhookRequest(payload, { secret: SECRET }));
    expect(await statusOf(await send())).toBe("accepted");
    await bridge.idle();
    expect(await statusOf(await send())).toBe("duplicate");

    const again = buildFonnteWebhook({
      sender: APPROVED,
      message: "Serentak",
      inboxid: "inbox-dup-2",
    });
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () =>
        bridge(fonnteWebhookRequest(again, { secret: SECRET })).then(statusOf),
      ),
    );
    await bridge.idle();
    expect(statuses.filter((s) => s === "accepted")).toHaveLength(1);
    expect(statuses.filter((s) => s === "duplicate")).toHaveLength(4);
    expect(world.fonnte.messagesTo(APPROVED)).toEqual([
      "Jawaban untuk: Sekali saja",
      "Jawaban untuk: Serentak",
    ]);
    expect((await bridge.metrics()).duplicates).toBe(5);
  });

  it("5 quick messages from one sender → answered in order with the history intact; senders run in parallel", async () => {
    world.gemini.latencyMs = 400;
    const askedAt = new Map<string, number>();
    world.gemini.reply = (call) => {
      askedAt.set(call.contents.at(-1)?.text ?? "", Date.now());
      return `Jawaban ${call.contents.filter((c) => c.role === "user").length}: ${call.contents.at(-1)?.text}`;
    };
    const { deliver, bridge, sessions, clock } = await createBridge(world);
    // Each webhook is acknowledged at once (as Fonnte needs) while the answers
    // take 40 ms each, so all five wait their turn behind the first.
    for (const i of [1, 2, 3, 4, 5]) {
      expect(await statusOf(await deliver(APPROVED, `pesan ${i}`))).toBe("accepted");
      expect(await statusOf(await deliver(APPROVED_2, `halo ${i}`))).toBe("accepted");
    }
    expect(bridge.health().inFlight, "answers still running after the last ack").toBeGreaterThan(0);
    await bridge.idle();
    expect(world.fonnte.messagesTo(APPROVED)).toEqual(
      [1, 2, 3, 4, 5].map((i) => `Jawaban ${i}: pesan ${i}`),
    );
    expect(world.fonnte.messagesTo(APPROVED_2)).toEqual(
      [1, 2, 3, 4, 5].map((i) => `Jawaban ${i}: halo ${i}`),
    );
    const fifth = world.gemini.requests.find((r) => r.contents.at(-1)?.text === "pesan 5");
    expect(fifth?.contents.map((c) => c.text)).toEqual([
      "pesan 1",
      "Jawaban 1: pesan 1",
      "pesan 2",
      "Jawaban 2: pesan 2",
      "pesan 3",
      "Jawaban 3: pesan 3",
      "pesan 4",
      "Jawaban 4: pesan 4",
      "pesan 5",
    ]);
    expect(await sessions.read(APPROVED, clock.now())).toHaveLength(10);
    // Side by side: the second sender's first question reached the model while
    // the first sender's first answer (400 ms) was still on its way.
    expect(askedAt.get("halo 1")! - askedAt.get("pesan 1")!).toBeLessThan(400);
    // In order: each question of one sender waited for the answer before it.
    expect(askedAt.get("pesan 2")! - askedAt.get("pesan 1")!).toBeGreaterThanOrEqual(395);
    expect(world.gemini.requests.length).toBe(10);
  });

  it("Gemini 503 on the first model, then success on the fallback model", async () => {
    world.gemini.failNext("gemini-2.5-flash", { kind: "http", status: 503 }, 3);
    const { deliver, bridge } = await createBridge(world);
    await deliver(APPROVED, "Halo");
    await bridge.idle();
    expect(world.gemini.callsTo("gemini-2.5-flash")).toHaveLength(3);
    expect(world.gemini.callsTo("gemini-2.0-flash")).toHaveLength(1);
    expect(world.fonnte.messagesTo(APPROVED)).toEqual(["Jawaban untuk: Halo"]);
    expect(await bridge.metrics()).toMatchObject({ aiFailures: 0, repliesSent: 1 });
  });

  it("every model failing → the apology, once, and nothing in the history", async () => {
    world.gemini.failNext("gemini-2.5-flash", { kind: "http", status: 503 }, 3);
    world.gemini.failNext("gemini-2.0-flash", { kind: "http", status: 500 }, 3);
    const { deliver, bridge, sessions, clock, events } = await createBridge(world);
    await deliver(APPROVED, "Halo");
    await bridge.idle();
    expect(world.fonnte.messagesTo(APPROVED)).toEqual([
      expect.stringMatching(/^Maaf, terjadi kendala/),
    ]);
    expect(await sessions.read(APPROVED, clock.now())).toEqual([]);
    expect(await bridge.metrics()).toMatchObject({ aiFailures: 1, repliesSent: 1 });
    expect(events).toContainEqual(
      expect.objectContaining({ type: "ai.failed", code: "AI_UNAVAILABLE" }),
    );
  });

  it("Fonnte status:false → recorded as failed, retried through the job queue, counted as sent only then", async () => {
    // Two attempts inline, two more on the queue's first run, then it goes through.
    world.fonnte.failNext({ kind: "reason", reason: "device disconnected", key: "Status" }, 4);
    const { deliver, bridge, queue, clock } = await createBridge(world, { fonnteAttempts: 2 });
    await deliver(APPROVED, "Halo");
    await bridge.idle();
    await queue.drain();
    expect(world.fonnte.sent).toHaveLength(0);
    expect(await bridge.metrics()).toMatchObject({
      repliesSent: 0,
      sendFailures: 2,
      sendsQueued: 1,
    });
    expect(queue.listJobs("fonnte-ai-send")).toEqual([
      expect.objectContaining({
        state: "retry",
        // The reply's key: the retry sends each part under its own claim.
        data: {
          target: APPROVED,
          parts: ["Jawaban untuk: Halo"],
          replyKey: expect.any(String),
          firstPart: 0,
        },
      }),
    ]);

    clock.advance(60_000);
    await queue.drain();
    expect(world.fonnte.messagesTo(APPROVED)).toEqual(["Jawaban untuk: Halo"]);
    expect(await bridge.metrics()).toMatchObject({ repliesSent: 1, sendFailures: 2 });
    expect(queue.listJobs("fonnte-ai-send")[0]?.state).toBe("completed");
  });

  it("a message the number cannot take (target invalid) is not queued again", async () => {
    world.fonnte.failNext({ kind: "reason", reason: "target invalid" });
    const { deliver, bridge, queue, events } = await createBridge(world);
    await deliver(APPROVED, "Halo");
    await bridge.idle();
    // The message's own answer job ran; no send was queued to retry.
    expect(queue.listJobs().map((job) => [job.name.split(".")[0], job.state])).toEqual([
      ["fonnte-ai-answer", "completed"],
    ]);
    expect(queue.listJobs("fonnte-ai-send")).toEqual([]);
    expect(events).toContainEqual({
      type: "send.failed",
      target: "62812****890",
      code: "FONNTE_TARGET_INVALID",
      queued: false,
    });
  });

  it("a 1,001-character message is refused with a clear reply; 1,000 characters are answered", async () => {
    const { deliver, bridge } = await createBridge(world);
    await deliver(APPROVED, "a".repeat(1001));
    await bridge.idle();
    expect(world.gemini.requests).toHaveLength(0);
    expect(world.fonnte.messagesTo(APPROVED)).toEqual([
      expect.stringMatching(/terlalu panjang \(maksimal 1\.000 karakter\)/),
    ]);
    await deliver(APPROVED, "b".repeat(1000));
    await bridge.idle();
    expect(world.gemini.requests).toHaveLength(1);
    expect((await bridge.metrics()).rejectedBy.too_long).toBe(1);
  });

  it("the 11th message in a minute is rate-limited (told once), and the next minute is open again", async () => {
    const { deliver, bridge, clock } = await createBridge(world);
    const statuses = [];
    for (let i = 1; i <= 12; i++) statuses.push(await statusOf(await deliver(APPROVED, `m${i}`)));
    await bridge.idle();
    expect(statuses.slice(0, 10).every((s) => s === "accepted")).toBe(true);
    expect(statuses.slice(10)).toEqual(["rate_limited", "rate_limited"]);
    expect(world.gemini.requests).toHaveLength(10);
    expect(world.fonnte.messagesTo(APPROVED).filter((m) => /terlalu banyak/.test(m))).toHaveLength(
      1,
    );
    clock.advance(60_000);
    expect(await statusOf(await deliver(APPROVED, "m13"))).toBe("accepted");
    await bridge.idle();
  });

  it("the 11th message is rate-limited across two bridge instances on one PostgreSQL", async () => {
    const shared = () => ({
      rateLimiter: new PostgresRateLimiter(world.db.executor, { schema: world.db.schema }),
      sessions: new PostgresSessionStore(world.db.executor, { schema: world.db.schema }),
      dedupe: postgresDedupe(world),
    });
    const a = await createBridge(world, shared());
    const b = await createBridge(world, { ...shared(), clock: a.clock });
    const statuses = [];
    for (let i = 1; i <= 11; i++) {
      statuses.push(await statusOf(await (i % 2 ? a : b).deliver(APPROVED, `m${i}`)));
    }
    await Promise.all([a.bridge.idle(), b.bridge.idle()]);
    expect(statuses.filter((s) => s === "accepted")).toHaveLength(10);
    expect(statuses[10]).toBe("rate_limited");
    expect(world.gemini.requests).toHaveLength(10);

    // One inboxid delivered to both instances: one answer between them.
    const payload = buildFonnteWebhook({
      sender: APPROVED_2,
      message: "dua pintu",
      inboxid: "inbox-two-doors",
    });
    const both = await Promise.all(
      [a.bridge, b.bridge].map((h) =>
        h(fonnteWebhookRequest(payload, { secret: SECRET })).then(statusOf),
      ),
    );
    await Promise.all([a.bridge.idle(), b.bridge.idle()]);
    expect(both.sort()).toEqual(["accepted", "duplicate"]);
    expect(world.fonnte.messagesTo(APPROVED_2)).toEqual(["Jawaban untuk: dua pintu"]);
  });

  it("gates the webhook: wrong secret 401, forbidden IP 403, bad body 400, GET 405, groups ignored", async () => {
    const { bridge } = await createBridge(world, {
      options: { allowedIps: ["10.0.0.7"], clientIp: (r) => r.headers.get("x-test-ip") },
    });
    const body = buildFonnteWebhook({ sender: APPROVED, message: "hai" });
    const post = (secret: string, ip = "10.0.0.7", payload: unknown = body) =>
      bridge(fonnteWebhookRequest(payload, { secret, headers: { "x-test-ip": ip } }));
    expect((await post("wrong-secret-wrong-secret")).status).toBe(401);
    expect((await post(SECRET, "10.0.0.8")).status).toBe(403);
    const bad = await post(SECRET, "10.0.0.7", { message: "no sender" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: { code: "INVALID_PAYLOAD", message: expect.stringMatching(/sender/) },
    });
    expect((await bridge(new Request("http://x/webhook", { method: "GET" }))).status).toBe(405);
    const group = await post(
      SECRET,
      "10.0.0.7",
      buildFonnteWebhook({
        sender: "120363000000000000@g.us",
        member: APPROVED,
        message: "hai grup",
      }),
    );
    expect(await statusOf(group)).toBe("ignored");
    await bridge.idle();
    expect(world.gemini.requests).toHaveLength(0);
    expect(await bridge.metrics()).toMatchObject({
      rejectedBy: expect.objectContaining({ unauthorized: 1, forbidden_ip: 1, invalid_payload: 1 }),
      ignoredGroups: 1,
    });
  });

  it("with allowGroups, answers an approved member in the group, keeping the member's own history", async () => {
    const { bridge, sessions, clock } = await createBridge(world, {
      options: { allowGroups: true },
    });
    const group = "120363000000000001@g.us";
    const payload = buildFonnteWebhook({ sender: group, member: APPROVED, message: "halo grup" });
    expect(await statusOf(await bridge(fonnteWebhookRequest(payload, { secret: SECRET })))).toBe(
      "accepted",
    );
    await bridge.idle();
    expect(world.fonnte.messagesTo(group)).toEqual(["Jawaban untuk: halo grup"]);
    expect(await sessions.read(APPROVED, clock.now())).toHaveLength(2);
  });

  it("adds the app's context to the prompt and splits a long reply on paragraphs", async () => {
    world.gemini.reply = () => `${"a".repeat(150)}\n\n${"b".repeat(150)}`;
    const { deliver, bridge } = await createBridge(world, {
      options: {
        maxReplyChars: 200,
        context: async ({ userId }) => `Pengguna ${userId} terdaftar di kelas A.`,
      },
    });
    await deliver(APPROVED, "Kelas saya?");
    await bridge.idle();
    expect(world.gemini.requests[0]?.systemInstruction).toMatch(
      /Pengguna user-1 terdaftar di kelas A\.$/,
    );
    expect(world.fonnte.messagesTo(APPROVED)).toEqual(["a".repeat(150), "b".repeat(150)]);
  });

  it("sessions restored from the snapshot file after a restart", async () => {
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { SessionSnapshotFile } = await import("@lunas/fonnte-ai/node");
    const dir = await mkdtemp(join(tmpdir(), "fonnte-ai-"));
    const path = join(dir, "sessions.json");
    try {
      const first = await createBridge(world);
      const snapshot = new SessionSnapshotFile({
        store: first.sessions as MemorySessionStore,
        path,
        intervalMs: 0,
        clock: first.clock,
      });
      await snapshot.start();
      await first.deliver(APPROVED, "Nama saya Budi");
      await first.bridge.idle();
      await snapshot.stop(); // on shutdown

      // A new process: a new store, loaded from the file.
      const clock = first.clock;
      clock.advance(5 * 60_000);
      const sessions = new MemorySessionStore({ clock, cleanupIntervalMs: 0 });
      expect(await new SessionSnapshotFile({ store: sessions, path, clock }).load()).toBe(1);
      const second = await createBridge(world, { clock, sessions });
      await second.deliver(APPROVED, "Siapa nama saya?");
      await second.bridge.idle();
      expect(world.gemini.requests.at(-1)?.contents.map((c) => c.text)).toEqual([
        "Nama saya Budi",
        "Jawaban untuk: Nama saya Budi",
        "Siapa nama saya?",
      ]);
      expect((await second.bridge.metrics()).activeSessions).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("sends by hand through the same formatting and queue, and reports health", async () => {
    const { bridge } = await createBridge(world);
    expect(
      await bridge.send({ target: "0812-3456-7890", message: "**Pengumuman**: libur" }),
    ).toEqual({
      parts: 1,
      sent: 1,
      queued: false,
    });
    expect(world.fonnte.messagesTo(APPROVED)).toEqual(["*Pengumuman*: libur"]);
    expect(bridge.health()).toEqual({
      ok: true,
      inFlight: 0,
      busySenders: 0,
      consecutiveAiFailures: 0,
    });
    await expect(bridge.send({ target: "021 555 1234", message: "x" })).rejects.toMatchObject({
      code: "INVALID_PHONE_NUMBER",
    });
  });
});
