// What a sender and an operator read: the message of every error answer, the
// stage and event onError is told for each failure before the handler, and
// the body stream a refused request leaves behind. A mutation run showed the
// other webhook-processor tests check the status codes but not these.
import {
  createWebhookProcessor,
  IdempotencyInProgressError,
  IdempotencyLeaseLostError,
  IdempotencyPayloadMismatchError,
  LunasError,
  type WebhookErrorContext,
  WebhookHandlerError,
  type WebhookOutcome,
} from "@lunas/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const URL_ = "https://lunas.example/webhooks/test";

const eventSchema = z.object({ id: z.string(), data: z.object({ amount: z.number() }) });
type TestEvent = z.infer<typeof eventSchema>;

interface Reported {
  error: unknown;
  stage: WebhookErrorContext<TestEvent>["stage"];
  event?: TestEvent;
  key?: string | null;
}

/** An endpoint on `receive`, so each test decides how the caller's own path fails. */
function endpoint(
  options: {
    verify?: (request: Request) => boolean | Promise<boolean>;
    parse?: (body: unknown) => TestEvent;
    key?: (event: TestEvent) => string | null;
    receive?: (event: TestEvent, key: string | null) => Promise<WebhookOutcome<string>>;
    maxBodyBytes?: number;
  } = {},
) {
  const reported: Reported[] = [];
  const handler = createWebhookProcessor<TestEvent, string>({
    verify: options.verify ?? (() => true),
    parse: options.parse ?? ((body) => eventSchema.parse(body)),
    key: options.key ?? ((event) => `test:${event.id}`),
    receive: options.receive ?? (async () => ({ result: "done", replayed: false })),
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    onError: (error, { stage, event, key }) => {
      reported.push({
        error,
        stage,
        ...(event === undefined ? {} : { event }),
        ...(key === undefined ? {} : { key }),
      });
    },
  });
  return { handler, reported };
}

const post = (body: BodyInit | null, init: RequestInit = {}) =>
  new Request(URL_, { method: "POST", body, ...init });

const validBody = JSON.stringify({ id: "evt_1", data: { amount: 100 } });

async function answer(response: Response) {
  return { status: response.status, body: await response.json() };
}

const errorBody = (code: string, message: string) => ({ error: { code, message } });

describe("createWebhookProcessor: what each answer says", () => {
  it("405, 413, 400 (no JSON) and 500 (handler, store) each name what happened", async () => {
    const { handler } = endpoint({ maxBodyBytes: 4 });
    expect(await answer(await handler(new Request(URL_, { method: "GET" })))).toEqual({
      status: 405,
      body: errorBody("METHOD_NOT_ALLOWED", "Send webhooks with POST"),
    });
    expect(await answer(await handler(post("12345")))).toEqual({
      status: 413,
      body: errorBody("PAYLOAD_TOO_LARGE", "The body is larger than 4 bytes"),
    });
    expect(await answer(await handler(post("{")))).toEqual({
      status: 400,
      body: errorBody("INVALID_PAYLOAD", "The body is not valid JSON"),
    });

    const failing = (error: unknown) =>
      endpoint({
        receive: async () => {
          throw error;
        },
      }).handler(post(validBody));
    expect(await answer(await failing(new WebhookHandlerError(new Error("boom"))))).toEqual({
      status: 500,
      body: errorBody("HANDLER_FAILED", "The event could not be processed; retry later"),
    });
    expect(await answer(await failing(new Error("connection refused")))).toEqual({
      status: 500,
      body: errorBody("INTERNAL_ERROR", "The event could not be recorded; retry later"),
    });
  });

  it("409 in progress, 409 lease lost and 422 mismatch say what the sender should do", async () => {
    const failing = (error: unknown) =>
      endpoint({
        receive: async () => {
          throw error;
        },
      }).handler(post(validBody));
    const inProgress = await failing(new IdempotencyInProgressError("test:evt_1", 7));
    expect(inProgress.headers.get("retry-after")).toBe("7");
    expect(await answer(inProgress)).toEqual({
      status: 409,
      body: errorBody("IDEMPOTENCY_IN_PROGRESS", "This event is being processed; retry later"),
    });
    expect(await answer(await failing(new IdempotencyLeaseLostError("test:evt_1")))).toEqual({
      status: 409,
      body: errorBody(
        "IDEMPOTENCY_LEASE_LOST",
        "This event was taken over by another delivery; retry later",
      ),
    });
    expect(await answer(await failing(new IdempotencyPayloadMismatchError("test:evt_1")))).toEqual({
      status: 422,
      body: errorBody(
        "IDEMPOTENCY_PAYLOAD_MISMATCH",
        "This event id was already received with a different payload",
      ),
    });
  });

  it("a 400 from a zod parse names each bad field by its dotted path, or (root), joined by '; '", async () => {
    const { handler } = endpoint();
    const nested = { id: 1, data: { amount: "100" } };
    const issues = eventSchema.safeParse(nested).error?.issues ?? [];
    expect(issues.map((issue) => issue.path.join("."))).toEqual(["id", "data.amount"]);
    expect(await answer(await handler(post(JSON.stringify(nested))))).toEqual({
      status: 400,
      body: errorBody(
        "INVALID_PAYLOAD",
        `Invalid event: id: ${issues[0]?.message}; data.amount: ${issues[1]?.message}`,
      ),
    });

    const rootMessage = eventSchema.safeParse([]).error?.issues[0]?.message;
    expect(await answer(await handler(post("[]")))).toEqual({
      status: 400,
      body: errorBody("INVALID_PAYLOAD", `Invalid event: (root): ${rootMessage}`),
    });
  });

  it("a 400 from a parse that throws something else keeps its message out of the answer", async () => {
    const { handler } = endpoint({
      parse: () => {
        throw new TypeError("cannot read 'secret-looking body text'");
      },
    });
    expect(await answer(await handler(post(validBody)))).toEqual({
      status: 400,
      body: errorBody("INVALID_PAYLOAD", "The request body is not a valid event"),
    });
  });

  it("a POST without a body is 400 'not valid JSON', reported at the parse stage", async () => {
    const { handler, reported } = endpoint();
    expect(await answer(await handler(post(null)))).toEqual({
      status: 400,
      body: errorBody("INVALID_PAYLOAD", "The body is not valid JSON"),
    });
    expect(reported.map((r) => r.stage)).toEqual(["parse"]);
    expect(reported[0]?.error).toBeInstanceOf(SyntaxError);
  });

  it("WebhookHandlerError is a LunasError HANDLER_FAILED carrying what the handler threw", () => {
    const cause = new Error("boom");
    const error = new WebhookHandlerError(cause);
    expect(error).toBeInstanceOf(LunasError);
    expect(error).toMatchObject({ code: "HANDLER_FAILED", message: "A webhook handler failed" });
    expect(error.cause).toBe(cause);
  });
});

describe("createWebhookProcessor: what onError is told before the handler", () => {
  it("a verifier that throws: stage verify, with its error, and a 401", async () => {
    const thrown = new Error("key store unreachable");
    const { handler, reported } = endpoint({
      verify: () => {
        throw thrown;
      },
    });
    expect((await handler(post(validBody))).status).toBe(401);
    expect(reported).toEqual([{ error: thrown, stage: "verify" }]);
  });

  it("a verifier that answers false is not an error: nothing is reported", async () => {
    const { handler, reported } = endpoint({ verify: () => false });
    expect((await handler(post(validBody))).status).toBe(401);
    expect(reported).toEqual([]);
  });

  it("a body stream that errors: stage read, with the stream's error", async () => {
    const thrown = new Error("connection reset");
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(thrown);
      },
    });
    const { handler, reported } = endpoint();
    const response = await handler(post(body, { duplex: "half" } as RequestInit));
    expect(await answer(response)).toEqual({
      status: 400,
      body: errorBody("INVALID_PAYLOAD", "The body could not be read"),
    });
    expect(reported).toEqual([{ error: thrown, stage: "read" }]);
  });

  it("a body that is not JSON: stage parse, with the SyntaxError, and no event", async () => {
    const { handler, reported } = endpoint();
    await handler(post("{not json"));
    expect(reported).toHaveLength(1);
    expect(reported[0]?.stage).toBe("parse");
    expect(reported[0]?.error).toBeInstanceOf(SyntaxError);
    expect(reported[0]).not.toHaveProperty("event");
  });

  it("parse throws: stage parse, no event; key throws: stage parse with the parsed event", async () => {
    const { handler, reported } = endpoint();
    await handler(post(JSON.stringify({ id: 1 })));
    expect(reported).toHaveLength(1);
    expect(reported[0]?.stage).toBe("parse");
    expect(reported[0]?.error).toBeInstanceOf(z.ZodError);
    expect(reported[0]).not.toHaveProperty("event");

    const thrown = new Error("no key in this event");
    const keyless = endpoint({
      key: () => {
        throw thrown;
      },
    });
    expect((await keyless.handler(post(validBody))).status).toBe(400);
    expect(keyless.reported).toEqual([
      { error: thrown, stage: "parse", event: { id: "evt_1", data: { amount: 100 } } },
    ]);
  });
});

describe("createWebhookProcessor: a body over the limit", () => {
  it("is not read to its end: the sender's stream is cancelled", async () => {
    let pulls = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        controller.enqueue(new Uint8Array(8));
      },
      cancel() {
        cancelled = true;
      },
    });
    const { handler } = endpoint({
      maxBodyBytes: 16,
      // The copy verify is given is dropped unread, as a token check does. Not
      // awaited: a branch's cancel settles only once every branch is cancelled.
      verify: (request) => {
        request.body?.cancel().catch(() => {});
        return true;
      },
    });
    const response = await handler(post(body, { duplex: "half" } as RequestInit));
    expect(response.status).toBe(413);
    expect(cancelled).toBe(true);
    expect(pulls).toBeLessThan(10);
  });
});
