import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import {
  type ClaimRequest,
  createIdempotentProcessor,
  createWebhookProcessor,
  type IdempotencyStore,
  InvalidArgumentError,
  LunasError,
  MemoryIdempotencyStore,
  type WebhookErrorContext,
  WebhookHandlerError,
} from "@lunas/core";
import { ManualClock } from "@lunas/core/testing";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

const SECRET = "callback-token-s3cret";

const paidEvent = z.object({
  id: z.string().min(1),
  amount: z.number().int().positive(),
  status: z.literal("PAID"),
});
type PaidEvent = z.infer<typeof paidEvent>;

/** Counts every write verb, so a test can prove nothing was written. */
class RecordingStore implements IdempotencyStore {
  readonly inner = new MemoryIdempotencyStore();
  writes = 0;
  claim(request: ClaimRequest) {
    this.writes += 1;
    return this.inner.claim(request);
  }
  complete(key: string, holder: string, result: unknown, expiresAt: number) {
    this.writes += 1;
    return this.inner.complete(key, holder, result, expiresAt);
  }
  release(key: string, holder: string) {
    this.writes += 1;
    return this.inner.release(key, holder);
  }
  get(key: string) {
    return this.inner.get(key);
  }
  purgeExpired(now: number) {
    return this.inner.purgeExpired(now);
  }
}

function post(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request("https://lunas.example/webhooks/xendit", {
    method: "POST",
    headers: { "x-callback-token": SECRET, "content-type": "application/json", ...headers },
    body,
  });
}

const event = (overrides: Partial<PaidEvent> = {}) =>
  JSON.stringify({ id: "evt_1", amount: 150_000, status: "PAID", ...overrides });

/** A request whose body arrives as the given chunks, one after another, with no declared length. */
function streamed(chunks: Uint8Array[]): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return new Request("https://lunas.example/webhooks/xendit", {
    method: "POST",
    headers: { "x-callback-token": SECRET },
    body,
    duplex: "half",
  } as RequestInit);
}

const utf8 = (text: string) => new TextEncoder().encode(text);

let holders = 0;
// Each delivery is its own holder, as two server processes would be.
const nextHolder = () => {
  holders += 1;
  return `delivery-${holders}`;
};

describe("createWebhookProcessor", () => {
  let store: RecordingStore;
  let clock: ManualClock;
  let handled: PaidEvent[];
  let handle: (e: PaidEvent) => Promise<{ fulfilled: string }>;
  let errors: unknown[];

  const endpoint = (extra: { maxBodyBytes?: number } = {}) =>
    createWebhookProcessor<PaidEvent, { fulfilled: string }>({
      processor: createIdempotentProcessor({ store, clock, leaseMs: 20_000, holderId: nextHolder }),
      verify: (request) => request.headers.get("x-callback-token") === SECRET,
      parse: (body) => paidEvent.parse(body),
      key: (e) => `xendit:${e.id}`,
      handle: (e) => handle(e),
      onError: (error) => errors.push(error),
      ...extra,
    });

  beforeEach(() => {
    store = new RecordingStore();
    clock = new ManualClock();
    handled = [];
    errors = [];
    handle = async (e) => {
      handled.push(e);
      return { fulfilled: e.id };
    };
  });

  it("handles a verified event once and answers 200, then 200 replayed", async () => {
    const webhook = endpoint();
    const first = await webhook(post(event()));
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toMatch(/application\/json/);
    expect(await first.json()).toEqual({ ok: true, replayed: false });
    const again = await webhook(post(event()));
    expect(await again.json()).toEqual({ ok: true, replayed: true });
    expect(handled).toHaveLength(1);
    expect(await store.get("xendit:evt_1")).toMatchObject({
      status: "completed",
      result: { fulfilled: "evt_1" },
    });
  });

  it("treats the same data in another key order or formatting as the same delivery", async () => {
    const webhook = endpoint();
    await webhook(post(event()));
    const reordered = await webhook(post('{ "status": "PAID", "amount": 150000, "id": "evt_1" }'));
    expect(await reordered.json()).toEqual({ ok: true, replayed: true });
  });

  it("answers with respond() when given", async () => {
    const webhook = createWebhookProcessor<PaidEvent, { fulfilled: string }>({
      processor: createIdempotentProcessor({ store, clock }),
      verify: () => true,
      parse: (body) => paidEvent.parse(body),
      key: (e) => e.id,
      handle: (e) => handle(e),
      respond: ({ result, replayed, event: e }) =>
        new Response(`${e.id}:${result.fulfilled}:${replayed}`, { status: 202 }),
    });
    const response = await webhook(post(event()));
    expect(response.status).toBe(202);
    expect(await response.text()).toBe("evt_1:evt_1:false");
  });

  it("answers 401 to an unverified request, and to a verifier that throws, writing nothing", async () => {
    const wrong = await endpoint()(post(event(), { "x-callback-token": "guess" }));
    expect(wrong.status).toBe(401);
    const body = await wrong.json();
    expect(body).toEqual({ error: { code: "UNAUTHORIZED", message: expect.any(String) } });
    expect(JSON.stringify(body)).not.toContain(SECRET);

    const throwing = createWebhookProcessor({
      processor: createIdempotentProcessor({ store, clock }),
      verify: () => {
        throw new Error("key service down");
      },
      parse: (b) => paidEvent.parse(b),
      key: (e) => e.id,
      handle: async () => 1,
    });
    expect((await throwing(post(event()))).status).toBe(401);
    expect(store.writes).toBe(0);
    expect(handled).toHaveLength(0);
  });

  it("lets verify read the body (signature checks) and still processes it", async () => {
    const webhook = createWebhookProcessor<PaidEvent, { fulfilled: string }>({
      processor: createIdempotentProcessor({ store, clock }),
      verify: async (request) => (await request.text()).includes('"PAID"'),
      parse: (body) => paidEvent.parse(body),
      key: (e) => e.id,
      handle: (e) => handle(e),
    });
    expect((await webhook(post(event()))).status).toBe(200);
    expect(handled).toHaveLength(1);
  });

  it("answers 405 with Allow to anything but POST", async () => {
    const response = await endpoint()(new Request("https://lunas.example/webhooks/xendit"));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await response.json()).toMatchObject({ error: { code: "METHOD_NOT_ALLOWED" } });
  });

  it("answers 413 to a body over maxBodyBytes, declared or streamed, writing nothing", async () => {
    const webhook = endpoint({ maxBodyBytes: 64 });
    const big = event({ id: "x".repeat(100) });
    expect((await webhook(post(big))).status).toBe(413);
    // A declared length over the limit is refused before reading a byte.
    expect((await webhook(post(event(), { "content-length": "1048577" }))).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i += 1)
          controller.enqueue(new TextEncoder().encode("[1,2,3,4,5,6,7]"));
        controller.close();
      },
    });
    const streamed = await webhook(
      new Request("https://lunas.example/webhooks/xendit", {
        method: "POST",
        headers: { "x-callback-token": SECRET },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(store.writes).toBe(0);
  });

  it("answers 400 INVALID_PAYLOAD naming the bad field, without echoing the body", async () => {
    const response = await endpoint()(post(event({ amount: -5 })));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("INVALID_PAYLOAD");
    expect(body.error.message).toMatch(/amount/);
    expect(errors).toHaveLength(1);
  });

  it("answers 400 to a key the event cannot give (empty, too long)", async () => {
    const webhook = createWebhookProcessor<PaidEvent, number>({
      processor: createIdempotentProcessor({ store, clock }),
      verify: () => true,
      parse: (body) => paidEvent.parse(body),
      key: (e) => (e.id === "long" ? "k".repeat(513) : ""),
      handle: async () => 1,
    });
    expect((await webhook(post(event()))).status).toBe(400);
    expect((await webhook(post(event({ id: "long" })))).status).toBe(400);
    expect(store.writes).toBe(0);
  });

  it("answers 422 to the same event id with a different payload", async () => {
    const webhook = endpoint();
    await webhook(post(event()));
    const response = await webhook(post(event({ amount: 1 })));
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      error: { code: "IDEMPOTENCY_PAYLOAD_MISMATCH" },
    });
    expect(handled).toHaveLength(1);
  });

  it("answers 409 with Retry-After while another delivery runs it", async () => {
    let finish!: () => void;
    handle = (e) =>
      new Promise((resolve) => {
        handled.push(e);
        finish = () => resolve({ fulfilled: e.id });
      });
    const webhook = endpoint();
    const first = webhook(post(event()));
    await expect.poll(() => handled.length).toBe(1);
    clock.advance(5_000);
    const second = await webhook(post(event()));
    expect(second.status).toBe(409);
    expect(second.headers.get("retry-after")).toBe("15");
    expect(await second.json()).toMatchObject({ error: { code: "IDEMPOTENCY_IN_PROGRESS" } });
    finish();
    expect((await first).status).toBe(200);
  });

  it("answers 500 HANDLER_FAILED without internals when the handler throws, and a retry runs it again", async () => {
    let attempts = 0;
    handle = async (e) => {
      attempts += 1;
      if (attempts === 1) throw new Error(`router 10.0.0.1 refused login with ${SECRET}`);
      return { fulfilled: e.id };
    };
    const webhook = endpoint();
    const failed = await webhook(post(event()));
    expect(failed.status).toBe(500);
    const text = await failed.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: "HANDLER_FAILED" } });
    expect(text).not.toContain("10.0.0.1");
    expect(text).not.toContain(SECRET);
    expect(await store.get("xendit:evt_1")).toBeNull();
    expect(errors).toHaveLength(1);

    const retried = await webhook(post(event()));
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual({ ok: true, replayed: false });
    expect(attempts).toBe(2);
  });

  it("answers 500 INTERNAL_ERROR when the store fails, and handles nothing", async () => {
    const broken: IdempotencyStore = {
      ...store.inner,
      claim: async () => {
        throw new Error("connection refused");
      },
      complete: store.inner.complete.bind(store.inner),
      release: store.inner.release.bind(store.inner),
      get: store.inner.get.bind(store.inner),
      purgeExpired: store.inner.purgeExpired.bind(store.inner),
    };
    const webhook = createWebhookProcessor<PaidEvent, { fulfilled: string }>({
      processor: createIdempotentProcessor({ store: broken, clock }),
      verify: () => true,
      parse: (body) => paidEvent.parse(body),
      key: (e) => e.id,
      handle: (e) => handle(e),
    });
    const response = await webhook(post(event()));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { code: "INTERNAL_ERROR" } });
    expect(handled).toHaveLength(0);
  });

  it("a null key acknowledges without deduplication: handle runs every time and the store stays empty", async () => {
    const runs: string[] = [];
    const webhook = createWebhookProcessor<PaidEvent, string>({
      processor: createIdempotentProcessor({ store, clock }),
      verify: () => true,
      parse: (body) => paidEvent.parse(body),
      key: () => null,
      handle: async (e) => {
        runs.push(e.id);
        return "reported";
      },
      respond: ({ result, replayed }) => Response.json({ result, replayed }),
    });
    for (let i = 0; i < 3; i += 1) {
      const response = await webhook(post(event()));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ result: "reported", replayed: false });
    }
    expect(runs).toEqual(["evt_1", "evt_1", "evt_1"]);
    expect(store.writes).toBe(0);
    expect(await store.inner.purgeExpired(8_640_000_000_000_000)).toBe(0);
  });

  it("a null key whose handle throws answers 500 HANDLER_FAILED, still writing nothing", async () => {
    const webhook = createWebhookProcessor<PaidEvent, string>({
      processor: createIdempotentProcessor({ store, clock }),
      verify: () => true,
      parse: (body) => paidEvent.parse(body),
      key: () => null,
      handle: async () => {
        throw new Error("reporter down");
      },
      onError: (error) => errors.push(error),
    });
    const response = await webhook(post(event()));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { code: "HANDLER_FAILED" } });
    expect(errors).toHaveLength(1);
    expect(store.writes).toBe(0);
  });

  it("fingerprints what fingerprint() picks: a changed irrelevant field replays, a changed relevant one is 422", async () => {
    const withSentAt = z.object({ ...paidEvent.shape, sent_at: z.string() });
    const webhook = createWebhookProcessor<z.infer<typeof withSentAt>, { fulfilled: string }>({
      processor: createIdempotentProcessor({ store, clock }),
      verify: () => true,
      parse: (body) => withSentAt.parse(body),
      key: (e) => `xendit:${e.id}`,
      fingerprint: ({ id, amount, status }) => ({ id, amount, status }),
      handle: (e) => handle(e),
    });
    const delivery = (overrides: Record<string, unknown>) =>
      post(
        JSON.stringify({
          id: "evt_1",
          amount: 150_000,
          status: "PAID",
          sent_at: "2026-01-01T00:00:00Z",
          ...overrides,
        }),
      );
    expect(await (await webhook(delivery({}))).json()).toEqual({ ok: true, replayed: false });
    const redelivered = await webhook(delivery({ sent_at: "2026-01-01T00:05:00Z" }));
    expect(redelivered.status).toBe(200);
    expect(await redelivered.json()).toEqual({ ok: true, replayed: true });
    const changed = await webhook(delivery({ amount: 1, sent_at: "2026-01-01T00:10:00Z" }));
    expect(changed.status).toBe(422);
    expect(await changed.json()).toMatchObject({
      error: { code: "IDEMPOTENCY_PAYLOAD_MISMATCH" },
    });
    expect(handled).toHaveLength(1);
  });

  it("without fingerprint(), any changed field of the body is 422 (the default stays the whole body)", async () => {
    const webhook = createWebhookProcessor<PaidEvent, { fulfilled: string }>({
      processor: createIdempotentProcessor({ store, clock }),
      verify: () => true,
      parse: (body) => paidEvent.parse(body),
      key: (e) => e.id,
      handle: (e) => handle(e),
    });
    expect((await webhook(post(event()))).status).toBe(200);
    const extra = JSON.stringify({ id: "evt_1", amount: 150_000, status: "PAID", sent_at: "x" });
    expect((await webhook(post(extra))).status).toBe(422);
  });

  it("answers 401 with unauthorizedMessage when given", async () => {
    const webhook = createWebhookProcessor({
      processor: createIdempotentProcessor({ store, clock }),
      verify: () => false,
      parse: (b) => b,
      key: () => "k",
      handle: async () => 1,
      unauthorizedMessage: "Compare x-callback-token with the dashboard's verification token",
    });
    expect(await (await webhook(post(event()))).json()).toEqual({
      error: {
        code: "UNAUTHORIZED",
        message: "Compare x-callback-token with the dashboard's verification token",
      },
    });
    expect(store.writes).toBe(0);
  });

  it("carries a LunasError's message from parse into the 400, but not an arbitrary error's", async () => {
    const webhook = (thrown: Error) =>
      createWebhookProcessor({
        processor: createIdempotentProcessor({ store, clock }),
        verify: () => true,
        parse: () => {
          throw thrown;
        },
        key: () => "k",
        handle: async () => 1,
      });
    class ShapeError extends LunasError {
      constructor() {
        super("INVALID_EVENT", "Malformed invoice callback: amount: expected number");
      }
    }
    const typed = await webhook(new ShapeError())(post(event()));
    expect(await typed.json()).toEqual({
      error: {
        code: "INVALID_PAYLOAD",
        message: "Malformed invoice callback: amount: expected number",
      },
    });
    const untyped = await webhook(new TypeError(`cannot read ${SECRET}`))(post(event()));
    const text = await untyped.text();
    expect(untyped.status).toBe(400);
    expect(text).not.toContain(SECRET);
    expect(store.writes).toBe(0);
  });

  it("rejects bad options with INVALID_ARGUMENT", () => {
    expect(() =>
      createWebhookProcessor({
        processor: createIdempotentProcessor({ store, clock }),
        verify: () => true,
        parse: (b) => b,
        key: () => "k",
        handle: async () => 1,
        maxBodyBytes: 0,
      }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      createWebhookProcessor({
        processor: {} as never,
        verify: () => true,
        parse: (b) => b,
        key: () => "k",
        handle: async () => 1,
      }),
    ).toThrow(/processor/);
  });

  it("property: a body that is not valid JSON or fails parse answers 400 and writes nothing", async () => {
    const webhook = endpoint();
    const notJson = fc.string().filter((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    });
    const notUtf8 = fc.uint8Array({ minLength: 1, maxLength: 64 }).filter((bytes) => {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        return false;
      } catch {
        return true;
      }
    });
    const jsonFailingParse = fc
      .oneof(
        fc.jsonValue(),
        fc.record({
          id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          amount: fc.oneof(fc.double(), fc.string(), fc.integer({ max: 0 })),
          status: fc.oneof(fc.constant("PAID"), fc.string()),
        }),
      )
      .filter((value) => !paidEvent.safeParse(value).success)
      .map((value) => JSON.stringify(value));

    await fc.assert(
      fc.asyncProperty(fc.oneof(notJson, notUtf8, jsonFailingParse), async (body) => {
        const response = await webhook(post(body as BodyInit));
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({ error: { code: "INVALID_PAYLOAD" } });
        expect(store.writes).toBe(0);
        expect(handled).toHaveLength(0);
      }),
      { numRuns: 300 },
    );
  });

  describe("reading the body", () => {
    it("joins a valid body that arrives in several chunks, in order", async () => {
      const text = event({ id: "evt_chunked" });
      const cut = [0, 3, 9, 10, 17, text.length];
      const chunks = cut.slice(1).map((end, i) => utf8(text.slice(cut[i], end)));
      const response = await endpoint()(streamed(chunks));
      expect(response.status).toBe(200);
      expect(handled).toEqual([{ id: "evt_chunked", amount: 150_000, status: "PAID" }]);
    });

    it("accepts a body of exactly maxBodyBytes and refuses one byte more, declared or streamed", async () => {
      const text = event();
      const size = utf8(text).byteLength;
      const exact = endpoint({ maxBodyBytes: size });
      expect((await exact(post(text, { "content-length": String(size) }))).status).toBe(200);
      expect((await exact(streamed([utf8(text.slice(0, 5)), utf8(text.slice(5))]))).status).toBe(
        200,
      );
      const oneShort = endpoint({ maxBodyBytes: size - 1 });
      const declared = await oneShort(post(text, { "content-length": String(size) }));
      expect(declared.status).toBe(413);
      const streamedOver = await oneShort(streamed([utf8(text.slice(0, 5)), utf8(text.slice(5))]));
      expect(streamedOver.status).toBe(413);
      expect(handled).toHaveLength(1);
    });

    it("refuses invalid UTF-8 inside otherwise valid JSON with 400, handling nothing", async () => {
      const [before, after] = event({ id: "evt_@" }).split("@") as [string, string];
      // 0xFF never occurs in UTF-8; a lenient decoder would turn it into U+FFFD and accept the event.
      const bytes = new Uint8Array([...utf8(before), 0xff, ...utf8(after)]);
      const response = await endpoint()(post(bytes));
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "INVALID_PAYLOAD" } });
      expect(handled).toEqual([]);
      expect(store.writes).toBe(0);
    });

    it("a body stream that fails midway answers 400 'could not be read' and is reported", async () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(utf8('{"id":'));
          controller.error(new Error("connection reset"));
        },
      });
      const response = await endpoint()(
        new Request("https://lunas.example/webhooks/xendit", {
          method: "POST",
          headers: { "x-callback-token": SECRET },
          body,
          duplex: "half",
        } as RequestInit),
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: { code: "INVALID_PAYLOAD", message: "The body could not be read" },
      });
      expect((errors[0] as Error).message).toBe("connection reset");
      expect(store.writes).toBe(0);
    });

    describe("behind a real HTTP server", () => {
      let close: (() => Promise<void>) | undefined;
      afterEach(async () => {
        await close?.();
        close = undefined;
      });

      it("a large body arrives in many chunks and is read whole", async () => {
        let chunksSeen = 0;
        const webhook = endpoint();
        const server = createServer((req, res) => {
          const body = (Readable.toWeb(req) as ReadableStream<Uint8Array>).pipeThrough(
            new TransformStream<Uint8Array, Uint8Array>({
              transform(chunk, controller) {
                chunksSeen += 1;
                controller.enqueue(chunk);
              },
            }),
          );
          const request = new Request(`http://127.0.0.1${req.url}`, {
            method: req.method ?? "GET",
            headers: req.headers as Record<string, string>,
            body,
            duplex: "half",
          } as RequestInit);
          void webhook(request).then(async (response) => {
            res.writeHead(response.status, { "content-type": "application/json" });
            res.end(await response.text());
          });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        close = () => new Promise((resolve) => server.close(() => resolve()));
        const { port } = server.address() as AddressInfo;
        // Padding the schema ignores, so the body is large but the event stays valid.
        const body = JSON.stringify({
          id: "evt_large",
          amount: 150_000,
          status: "PAID",
          padding: "ü".repeat(300_000),
        });
        const response = await fetch(`http://127.0.0.1:${port}/webhooks/xendit`, {
          method: "POST",
          headers: { "x-callback-token": SECRET, "content-type": "application/json" },
          body,
          signal: AbortSignal.timeout(30_000),
        });
        expect(response.status).toBe(200);
        expect(chunksSeen).toBeGreaterThan(1);
        expect(handled).toEqual([{ id: "evt_large", amount: 150_000, status: "PAID" }]);
        expect(await store.get("xendit:evt_large")).toMatchObject({ status: "completed" });
      });
    });
  });

  it("answers 409 IDEMPOTENCY_LEASE_LOST when a handler outlives its lease and another delivery took over", async () => {
    let firstStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      firstStarted = resolve;
    });
    let finishFirst!: () => void;
    const firstMayFinish = new Promise<void>((resolve) => {
      finishFirst = resolve;
    });
    let runs = 0;
    handle = async (e) => {
      runs += 1;
      if (runs === 1) {
        firstStarted();
        await firstMayFinish;
      }
      handled.push(e);
      return { fulfilled: `${e.id}#${runs}` };
    };
    const webhook = endpoint();
    const first = webhook(post(event()));
    await started;
    // The first delivery's 20 s lease lapses while its handler still runs; a redelivery takes over.
    clock.advance(20_001);
    const takeover = await webhook(post(event()));
    expect(takeover.status).toBe(200);
    finishFirst();
    const late = await first;
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ error: { code: "IDEMPOTENCY_LEASE_LOST" } });
    expect(late.headers.get("retry-after")).toBeNull();
    // The takeover's result is the one kept; the late one changed nothing.
    expect(await store.get("xendit:evt_1")).toMatchObject({
      status: "completed",
      result: { fulfilled: "evt_1#2" },
    });
    expect(errors.map((error) => (error as { code?: string }).code)).toEqual([
      "IDEMPOTENCY_LEASE_LOST",
    ]);
  });

  it("tells onError the stage, the event and its key, and the handler's own error", async () => {
    const seen: [unknown, Omit<WebhookErrorContext<PaidEvent>, "request">][] = [];
    const failure = new Error("fulfilment down");
    const webhook = createWebhookProcessor<PaidEvent, string>({
      processor: createIdempotentProcessor({ store, clock }),
      verify: (request) => request.headers.get("x-callback-token") === SECRET,
      parse: (body) => paidEvent.parse(body),
      key: (e) => `xendit:${e.id}`,
      handle: async () => {
        throw failure;
      },
      onError: (error, { request: _request, ...context }) => seen.push([error, context]),
    });
    expect((await webhook(post("{nope"))).status).toBe(400);
    expect((await webhook(post(event()))).status).toBe(500);
    expect(seen[0]?.[1]).toEqual({ stage: "parse" });
    expect(seen[1]).toEqual([
      failure,
      { stage: "handle", event: JSON.parse(event()), key: "xendit:evt_1" },
    ]);
    // The claim and its release: the retry runs the handler again.
    expect(store.writes).toBe(2);
  });

  it("with `receive`, calls the caller's own path once per delivery with the key computed once", async () => {
    const calls: [PaidEvent, string | null][] = [];
    let keys = 0;
    const webhook = createWebhookProcessor<PaidEvent, string>({
      verify: () => true,
      parse: (body) => paidEvent.parse(body),
      key: (e) => {
        keys += 1;
        return `xendit:${e.id}`;
      },
      receive: async (e, key) => {
        calls.push([e, key]);
        if (e.amount === 1) throw new WebhookHandlerError(new Error("handler down"));
        if (e.amount === 2) throw new Error("store down");
        return { result: "done", replayed: calls.length > 1 };
      },
      respond: ({ result, replayed, key }) => Response.json({ result, replayed, key }),
      onError: (error, { stage }) => errors.push([stage, (error as Error).message]),
    });
    const first = await webhook(post(event()));
    expect(await first.json()).toEqual({ result: "done", replayed: false, key: "xendit:evt_1" });
    expect(calls).toEqual([[JSON.parse(event()), "xendit:evt_1"]]);
    expect(keys).toBe(1);
    const handlerFailed = await webhook(post(event({ amount: 1 })));
    expect(handlerFailed.status).toBe(500);
    expect(await handlerFailed.json()).toMatchObject({ error: { code: "HANDLER_FAILED" } });
    const storeFailed = await webhook(post(event({ amount: 2 })));
    expect(await storeFailed.json()).toMatchObject({ error: { code: "INTERNAL_ERROR" } });
    expect(errors).toEqual([
      ["handle", "handler down"],
      ["claim", "store down"],
    ]);
  });

  it("refuses options that mix `receive` with the keyed `handle`", () => {
    expect(() =>
      createWebhookProcessor<PaidEvent, string>({
        verify: () => true,
        parse: (body: unknown) => paidEvent.parse(body),
        key: () => null,
        receive: async () => ({ result: "x", replayed: false }),
        handle: async () => "x",
      } as never),
    ).toThrow(InvalidArgumentError);
  });
});
