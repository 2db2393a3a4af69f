import { createIdempotentProcessor, MemoryIdempotencyStore } from "@lunas/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  APPROVED,
  type BridgeWorld,
  createBridge,
  createBridgeWorld,
  MODELS,
} from "./bridge-world.js";

describe("answers from the job queue (memory queue)", () => {
  let world: BridgeWorld;
  beforeAll(async () => {
    world = await createBridgeWorld("fonnte_queued");
  });
  afterAll(() => world.close());
  beforeEach(() => {
    world.fonnte.sent.length = 0;
    world.gemini.requests.length = 0;
    world.gemini.latencyMs = 0;
  });

  it("the webhook queues the message on its sender's lane and the lane's worker answers it", async () => {
    const { deliver, bridge, queue } = await createBridge(world);
    await deliver(APPROVED, "Halo", { inboxid: "lane-1" });
    await bridge.idle();
    const jobs = queue.listJobs().filter((job) => job.name.startsWith("fonnte-ai-answer."));
    expect(jobs).toEqual([
      expect.objectContaining({
        state: "completed",
        data: {
          phone: APPROVED,
          userId: "user-1",
          target: APPROVED,
          text: "Halo",
          inboxId: "lane-1",
        },
      }),
    ]);
    expect(world.fonnte.messagesTo(APPROVED)).toEqual(["Jawaban untuk: Halo"]);
  });

  it("a retried answer job neither asks the AI again nor sends the reply again", async () => {
    const { deliver, bridge, queue } = await createBridge(world);
    await deliver(APPROVED, "Sekali", { inboxid: "retry-1" });
    await bridge.idle();
    const [job] = queue.listJobs().filter((j) => j.name.startsWith("fonnte-ai-answer."));
    // What the queue does when a run died after the send but before the job was marked done.
    await queue.enqueue(job!.name, job!.data);
    await queue.drain();
    expect(world.gemini.requests).toHaveLength(1);
    expect(world.fonnte.messagesTo(APPROVED)).toEqual(["Jawaban untuk: Sekali"]);
    expect((await bridge.metrics()).repliesSent).toBe(1);
  });

  it("a job whose earlier run sent the first part of the reply sends only the rest", async () => {
    const dedupe = new MemoryIdempotencyStore();
    const { bridge, queue, clock } = await createBridge(world, {
      dedupe,
      options: { answerLanes: 1 },
    });
    // What a run that died after sending part 0 left in the dedupe store.
    const earlier = createIdempotentProcessor({ store: dedupe, clock });
    await earlier.run(
      "fonnte-ai:answer:split-1",
      { phone: APPROVED, text: "Panjang" },
      async () => ({
        parts: ["Bagian satu", "Bagian dua"],
      }),
    );
    await earlier.run(
      "fonnte-ai:reply:split-1:0",
      { target: APPROVED, part: "Bagian satu" },
      async () => ({ sent: true }),
    );
    await queue.enqueue("fonnte-ai-answer.0", {
      phone: APPROVED,
      userId: "user-1",
      target: APPROVED,
      text: "Panjang",
      inboxId: "split-1",
    });
    await queue.drain();
    expect(world.gemini.requests).toHaveLength(0);
    expect(world.fonnte.messagesTo(APPROVED)).toEqual(["Bagian dua"]);
    expect(await bridge.metrics()).toMatchObject({ repliesSent: 1 });
  });

  it("without a queue the answers run in this process, still in order per sender", async () => {
    world.gemini.latencyMs = 30;
    const { deliver, bridge } = await createBridge(world, { options: { queue: undefined } });
    for (const i of [1, 2, 3]) await deliver(APPROVED, `pesan ${i}`);
    await bridge.idle();
    expect(world.fonnte.messagesTo(APPROVED)).toEqual(
      [1, 2, 3].map((i) => `Jawaban untuk: pesan ${i}`),
    );
  });

  it("an answer past answerTimeoutMs is abandoned and the sender gets the apology", async () => {
    world.gemini.failNext(MODELS[0]!, { kind: "stall" });
    const { deliver, bridge, events } = await createBridge(world, {
      options: { answerTimeoutMs: 200 },
    });
    await deliver(APPROVED, "Halo?");
    await bridge.idle();
    expect(world.fonnte.messagesTo(APPROVED)).toEqual([
      expect.stringMatching(/^Maaf, terjadi kendala/),
    ]);
    expect(world.gemini.requests).toHaveLength(1);
    expect(events).toContainEqual(expect.objectContaining({ type: "ai.failed" }));
  });
});
