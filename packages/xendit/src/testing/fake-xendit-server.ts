import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Clock, parseInput, systemClock } from "@lunas/core";
import { clockSchema } from "@lunas/core/validation";
import { z } from "zod";
import type { Invoice } from "../client/invoice-schemas.js";
import type { PaymentSession } from "../client/session-schemas.js";
import type {
  InvoiceCallback,
  PaymentSessionCompletedEvent,
  PaymentSessionExpiredEvent,
} from "../webhooks/xendit-events.js";

export interface FakeXenditServerOptions {
  /** The secret key clients must send as Basic auth. Default `xnd_development_fake`. */
  secretKey?: string;
  /** The token `deliverWebhook` sends in `x-callback-token`. Default `fake-callback-token`. */
  callbackToken?: string;
  /** Same `idempotency-key` -> same session, as Xendit does. Default true; false simulates a key Xendit no longer remembers. */
  honourIdempotency?: boolean;
  /** Timestamps of created sessions. Default the system clock. */
  clock?: Clock;
  /** Session lifetime when the request has no `expires_at`. Default 24 h. */
  sessionTtlMs?: number;
  businessId?: string;
}

/** Options of `FakeXenditServer.create`, the in-process fake: no port, only its handler. */
export interface FakeXenditHandlerOptions extends FakeXenditServerOptions {
  /** The base URL it answers as (in `payment_link_url`, `invoice_url`). Default `https://fake.xendit.test`. */
  url?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  forUserId: string | null;
  body: unknown;
}

export interface DeliveryOptions {
  /** How many times to send it. Default 1. */
  times?: number;
  /** Send all `times` at once instead of one after another. */
  concurrent?: boolean;
  /** Override the callback token; `null` sends none. */
  token?: string | null;
  /** Per delivery. Default 30 s, Xendit's own limit. */
  timeoutMs?: number;
}

export interface Delivery {
  status: number;
  body: unknown;
}

interface InjectedFailure {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

// Strict, like every options object here: a misspelt `honourIdempotency` or `timeoutMs`
// would otherwise make a test pass for the wrong reason.
const serverOptionsSchema = z.strictObject({
  secretKey: z.string().min(1).optional(),
  callbackToken: z.string().min(1).optional(),
  honourIdempotency: z.boolean().optional(),
  clock: clockSchema.optional(),
  sessionTtlMs: z.number().int().positive().optional(),
  businessId: z.string().min(1).optional(),
});
const handlerOptionsSchema = serverOptionsSchema.extend({ url: z.url().optional() });
const deliveryOptionsSchema = z.strictObject({
  times: z.number().int().positive().optional(),
  concurrent: z.boolean().optional(),
  token: z.string().nullable().optional(),
  timeoutMs: z.number().int().positive().optional(),
});
const sequenceOptionsSchema = deliveryOptionsSchema.omit({ times: true, concurrent: true });
const completionSchema = z.strictObject({
  paymentId: z.string().min(1).optional(),
  channelCode: z.string().min(1).optional(),
});

const json = (status: number, body: unknown) => Response.json(body, { status });

const error = (status: number, code: string, message: string) =>
  json(status, { error_code: code, message });

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  return text === "" ? undefined : JSON.parse(text);
}

/** Node's request as a Web `Request`, so one handler serves both. */
async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for await (const chunk of req) chunks.push(chunk as Uint8Array<ArrayBuffer>);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(new URL(req.url ?? "/", base), {
    method,
    headers,
    ...(hasBody ? { body: new Blob(chunks) } : {}),
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A Xendit stand-in for tests and demos, as a Web handler (`fetch`, `handle`:
 * `Request` -> `Response`, so it runs wherever the client runs; `create()`)
 * or served on real HTTP (127.0.0.1, a free port; `start()`):
 * Payment Sessions create / get / cancel and legacy invoices create / get, with
 * Basic auth and idempotency keys checked like Xendit does; moves sessions to
 * COMPLETED or EXPIRED and delivers the matching webhooks with the callback
 * token, including duplicates, concurrent duplicates and any order you choose.
 */
export class FakeXenditServer {
  readonly url: string;
  readonly secretKey: string;
  readonly callbackToken: string;
  /** Every API request received, in order (for assertions). */
  readonly requests: RecordedRequest[] = [];

  #server: Server | undefined;
  readonly #options: Required<Omit<FakeXenditServerOptions, "secretKey" | "callbackToken">>;
  readonly #sessions = new Map<string, PaymentSession>();
  readonly #invoices = new Map<string, Invoice>();
  readonly #byIdempotencyKey = new Map<string, string>();
  readonly #failures: InjectedFailure[] = [];
  #counter = 0;

  private constructor(url: string, options: FakeXenditServerOptions) {
    this.url = url;
    this.secretKey = options.secretKey ?? "xnd_development_fake";
    this.callbackToken = options.callbackToken ?? "fake-callback-token";
    this.#options = {
      honourIdempotency: options.honourIdempotency ?? true,
      clock: options.clock ?? systemClock,
      sessionTtlMs: options.sessionTtlMs ?? 24 * 60 * 60 * 1000,
      businessId: options.businessId ?? "5f27a14a9bf05c73dd040bc8",
    };
  }

  /**
   * The fake without a port: give `fake.fetch` to the client
   * (`createXenditClient({ secretKey: fake.secretKey, baseUrl: fake.url, fetch: fake.fetch })`).
   * Runs on any runtime with `fetch` (Node, Deno, Bun, workers).
   */
  static create(options: FakeXenditHandlerOptions = {}): FakeXenditServer {
    const { url, ...rest } = parseInput(handlerOptionsSchema, options, "FakeXenditServer options");
    return new FakeXenditServer(
      (url ?? "https://fake.xendit.test").replace(/\/$/, ""),
      rest as FakeXenditServerOptions,
    );
  }

  /** The same handler served on 127.0.0.1 at a free port (Node's `node:http`, loaded only here). */
  static async start(options: FakeXenditServerOptions = {}): Promise<FakeXenditServer> {
    parseInput(serverOptionsSchema, options, "FakeXenditServer options");
    const { createServer } = await import("node:http");
    let fake: FakeXenditServer | undefined;
    const server = createServer((req, res) => {
      const answer = async () => {
        if (!fake) return error(503, "SERVER_STARTING", "The fake Xendit server is still starting");
        return fake.handle(await toRequest(req, fake.url));
      };
      answer()
        .catch((cause: unknown) => error(500, "SERVER_ERROR", String(cause)))
        .then(async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(new Uint8Array(await response.arrayBuffer()));
        })
        .catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeXenditServer(`http://127.0.0.1:${port}`, options);
    fake.#server = server;
    return fake;
  }

  /** `fetch`'s shape over `handle`, for a client's `fetch` option. */
  readonly fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
    this.handle(new Request(input, init));

  /** Answers one API request as Xendit would; never throws (a fault answers 500 SERVER_ERROR). */
  async handle(request: Request): Promise<Response> {
    try {
      return await this.#handle(request);
    } catch (cause) {
      return error(500, "SERVER_ERROR", String(cause));
    }
  }

  /** All sessions, oldest first (copies). */
  sessions(): PaymentSession[] {
    return [...this.#sessions.values()].map((session) => structuredClone(session));
  }

  getSession(sessionId: string): PaymentSession | undefined {
    const session = this.#sessions.get(sessionId);
    return session ? structuredClone(session) : undefined;
  }

  /** The next request matching `method` and `path` answers `status` with `body` instead. */
  failNext(method: string, path: string, status: number, body: unknown): void {
    this.#failures.push({ method: method.toUpperCase(), path, status, body });
  }

  /**
   * Marks a session paid and returns its `payment_session.completed` webhook body.
   * `channelCode` adds a `channel_code` field that Xendit's documented example does
   * not show; leave it out to get the documented shape.
   */
  completeSession(
    sessionId: string,
    payment: { paymentId?: string; channelCode?: string } = {},
  ): PaymentSessionCompletedEvent {
    parseInput(completionSchema, payment, "completeSession payment");
    const session = this.#mustGet(sessionId);
    const at = this.#now();
    session.status = "COMPLETED";
    session.updated = at;
    session.payment_request_id = `pr-${sessionId}`;
    session.payment_id = payment.paymentId ?? `py-${sessionId}`;
    const data = {
      ...structuredClone(session),
      ...(payment.channelCode ? { channel_code: payment.channelCode } : {}),
    };
    return {
      event: "payment_session.completed",
      business_id: this.#options.businessId,
      created: at,
      data,
    };
  }

  /** Marks a session expired and returns its `payment_session.expired` webhook body. */
  expireSession(sessionId: string): PaymentSessionExpiredEvent {
    const session = this.#mustGet(sessionId);
    const at = this.#now();
    session.status = "EXPIRED";
    session.updated = at;
    return {
      event: "payment_session.expired",
      business_id: this.#options.businessId,
      created: at,
      data: structuredClone(session),
    };
  }

  /** Moves an invoice to PAID / SETTLED / EXPIRED and returns its flat callback body. */
  updateInvoice(invoiceId: string, status: "PAID" | "SETTLED" | "EXPIRED"): InvoiceCallback {
    const invoice = this.#invoices.get(invoiceId);
    if (!invoice) throw new Error(`No invoice ${invoiceId} on the fake Xendit server`);
    const at = this.#now();
    invoice.status = status;
    invoice.updated = at;
    if (status !== "EXPIRED") {
      invoice.paid_at ??= at;
      invoice.paid_amount = invoice.amount;
      invoice.payment_method = "BANK_TRANSFER";
      invoice.payment_channel = "MANDIRI";
    }
    return structuredClone(invoice) as InvoiceCallback;
  }

  /** POSTs `event` to `url` the way Xendit does, `times` times, one after another or all at once. */
  async deliverWebhook(
    url: string,
    event: unknown,
    options: DeliveryOptions = {},
  ): Promise<Delivery[]> {
    parseInput(deliveryOptionsSchema, options, "delivery options");
    const times = options.times ?? 1;
    const send = () => this.#post(url, event, options);
    if (options.concurrent) return Promise.all(Array.from({ length: times }, send));
    const results: Delivery[] = [];
    for (let i = 0; i < times; i++) results.push(await send());
    return results;
  }

  /** Delivers several events one after another in the given order (reverse it for out-of-order delivery). */
  async deliverWebhooks(
    url: string,
    events: readonly unknown[],
    options: Omit<DeliveryOptions, "times" | "concurrent"> = {},
  ): Promise<Delivery[]> {
    parseInput(sequenceOptionsSchema, options, "delivery options");
    const results: Delivery[] = [];
    for (const event of events) results.push(await this.#post(url, event, options));
    return results;
  }

  /** Stops the HTTP server of `start()`; nothing to do for `create()`. */
  close(): Promise<void> {
    const server = this.#server;
    if (!server) return Promise.resolve();
    return new Promise((resolve, reject) => {
      server.close((cause) => (cause ? reject(cause) : resolve()));
      server.closeAllConnections();
    });
  }

  async #post(url: string, event: unknown, options: DeliveryOptions): Promise<Delivery> {
    const token = options.token === undefined ? this.callbackToken : options.token;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (token !== null) headers["x-callback-token"] = token;
    const response = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not every endpoint answers JSON; keep the text.
    }
    return { status: response.status, body };
  }

  #now(): string {
    return new Date(this.#options.clock.now()).toISOString();
  }

  #mustGet(sessionId: string): PaymentSession {
    const session = this.#sessions.get(sessionId);
    if (!session) throw new Error(`No session ${sessionId} on the fake Xendit server`);
    return session;
  }

  #nextId(prefix: string): string {
    this.#counter += 1;
    return `${prefix}-${this.#counter.toString().padStart(24, "0")}`;
  }

  async #handle(request: Request): Promise<Response> {
    const method = request.method;
    const path = new URL(request.url).pathname;
    let body: unknown;
    try {
      body = await readJson(request);
    } catch {
      return error(400, "API_VALIDATION_ERROR", "Body is not valid JSON");
    }
    const header = (name: string) => request.headers.get(name);
    this.requests.push({
      method,
      path,
      idempotencyKey: header("idempotency-key"),
      forUserId: header("for-user-id"),
      body,
    });

    const expected = `Basic ${btoa(`${this.secretKey}:`)}`;
    if (header("authorization") !== expected) {
      return error(401, "INVALID_API_KEY", "API key is not authorized for this API service");
    }
    const failure = this.#failures.findIndex((f) => f.method === method && f.path === path);
    if (failure >= 0) {
      const [injected] = this.#failures.splice(failure, 1);
      return json((injected as InjectedFailure).status, (injected as InjectedFailure).body);
    }

    const sessionMatch = /^\/sessions\/([^/]+)(\/cancel)?$/.exec(path);
    if (method === "POST" && path === "/sessions")
      return this.#createSession(body, header("idempotency-key"));
    if (sessionMatch && method === "GET" && !sessionMatch[2]) {
      const session = this.#sessions.get(sessionMatch[1] as string);
      return session
        ? json(200, session)
        : error(404, "DATA_NOT_FOUND", "Payment session not found");
    }
    if (sessionMatch && method === "POST" && sessionMatch[2]) {
      const session = this.#sessions.get(sessionMatch[1] as string);
      if (!session) return error(404, "DATA_NOT_FOUND", "Payment session not found");
      if (session.status !== "ACTIVE") {
        return error(
          400,
          "INVALID_SESSION_STATUS",
          `Only ACTIVE sessions can be cancelled; this one is ${session.status}`,
        );
      }
      session.status = "CANCELED";
      session.updated = this.#now();
      return json(200, session);
    }
    if (method === "POST" && path === "/v2/invoices")
      return this.#createInvoice(body, header("idempotency-key"));
    const invoiceMatch = /^\/v2\/invoices\/([^/]+)$/.exec(path);
    if (invoiceMatch && method === "GET") {
      const invoice = this.#invoices.get(invoiceMatch[1] as string);
      return invoice
        ? json(200, invoice)
        : error(404, "INVOICE_NOT_FOUND_ERROR", "Invoice not found");
    }
    return error(404, "NOT_FOUND", `The fake Xendit server has no ${method} ${path}`);
  }

  #createSession(body: unknown, idempotencyKey: string | null): Response {
    if (idempotencyKey && this.#options.honourIdempotency) {
      const existing = this.#byIdempotencyKey.get(`session:${idempotencyKey}`);
      if (existing) {
        return json(201, this.#sessions.get(existing));
      }
    }
    if (
      !isRecord(body) ||
      typeof body.reference_id !== "string" ||
      typeof body.amount !== "number" ||
      typeof body.currency !== "string" ||
      typeof body.country !== "string"
    ) {
      return error(
        400,
        "API_VALIDATION_ERROR",
        "reference_id, amount, currency and country are required",
      );
    }
    const now = this.#options.clock.now();
    const at = new Date(now).toISOString();
    const id = this.#nextId("ps");
    const session: PaymentSession = {
      ...body,
      payment_session_id: id,
      created: at,
      updated: at,
      status: "ACTIVE",
      reference_id: body.reference_id,
      amount: body.amount,
      currency: body.currency,
      country: body.country,
      session_type: typeof body.session_type === "string" ? body.session_type : "PAY",
      mode: typeof body.mode === "string" ? body.mode : "PAYMENT_LINK",
      expires_at:
        typeof body.expires_at === "string"
          ? body.expires_at
          : new Date(now + this.#options.sessionTtlMs).toISOString(),
      business_id: this.#options.businessId,
      payment_link_url: `${this.url}/checkout/${id}`,
    };
    delete (session as Record<string, unknown>).customer;
    this.#sessions.set(id, session);
    if (idempotencyKey) this.#byIdempotencyKey.set(`session:${idempotencyKey}`, id);
    return json(201, session);
  }

  #createInvoice(body: unknown, idempotencyKey: string | null): Response {
    if (idempotencyKey && this.#options.honourIdempotency) {
      const existing = this.#byIdempotencyKey.get(`invoice:${idempotencyKey}`);
      if (existing) {
        return json(200, this.#invoices.get(existing));
      }
    }
    if (
      !isRecord(body) ||
      typeof body.external_id !== "string" ||
      typeof body.amount !== "number"
    ) {
      return error(400, "API_VALIDATION_ERROR", "external_id and amount are required");
    }
    const now = this.#options.clock.now();
    const at = new Date(now).toISOString();
    const id = this.#nextId("inv");
    const invoice: Invoice = {
      ...body,
      id,
      external_id: body.external_id,
      user_id: this.#options.businessId,
      status: "PENDING",
      merchant_name: "Lunas Fake Shop",
      amount: body.amount,
      currency: typeof body.currency === "string" ? body.currency : "IDR",
      invoice_url: `${this.url}/web/${id}`,
      expiry_date: new Date(now + this.#options.sessionTtlMs).toISOString(),
      created: at,
      updated: at,
    };
    this.#invoices.set(id, invoice);
    if (idempotencyKey) this.#byIdempotencyKey.set(`invoice:${idempotencyKey}`, id);
    return json(200, invoice);
  }
}
