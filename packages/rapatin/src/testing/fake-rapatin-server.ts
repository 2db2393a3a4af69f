import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Clock, parseInput, systemClock } from "@lunas/core";
import { clockSchema } from "@lunas/core/validation";
import { z } from "zod";
import { createScheduleInputSchema } from "../client/schedule-schemas.js";

export type FakeRapatinRoute = "login" | "list" | "create";

export interface FakeRapatinServerOptions {
  /** The one account that may log in. Default `owner@example.com` / `secret`. */
  account?: { email: string; password: string };
  /** Server-side token lifetime; after it the token answers 401. Default: never expires. */
  tokenLifetimeMs?: number;
  /** Decides token expiry. Default: the system clock. */
  clock?: Clock;
  /** Delay before answering, per route (real milliseconds; keep them small). */
  delayMs?: Partial<Record<FakeRapatinRoute, number>>;
  /** What happens to a create's answer once the schedule exists. Default: answered at once. */
  afterCreate?: FakeAfterCreate;
  /** The account's `product_id`s; creating with another answers 422. Default 1-4. */
  products?: number[];
}

/**
 * The create succeeded at Rapatin but its answer is late or lost: how a client
 * meets "the meeting was created, the answer never came".
 */
export interface FakeAfterCreate {
  /** Answer this many real milliseconds after creating (past the client's timeout, say). */
  delayMs?: number;
  /** Destroy the connection instead of answering. */
  drop?: boolean;
}

export interface FakeSchedule {
  id: number;
  product_id: number;
  topic: string;
  passcode: string | null;
  recurring: boolean;
  start_date: string;
  start_time: string;
  meeting_id: number;
  join_url: string;
  registration_url: string | null;
}

export interface FakeRapatinCounts {
  /** Every request that reached a route, answered or failed. */
  attempts: Record<FakeRapatinRoute, number>;
  logins: number;
  failedLogins: number;
  lists: number;
  creates: number;
  /** Requests answered 401 because of a missing, unknown or expired token. */
  unauthorized: number;
  /** Requests answered 422 (bad input). */
  rejected: number;
}

const json = (res: ServerResponse, status: number, message: string, data: unknown, extra = {}) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      response: { status: status < 400 ? "success" : "error", status_code: status, message },
      data,
      ...extra,
    }),
  );
};

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const routeNumbers = z
  .strictObject({
    login: z.number().optional(),
    list: z.number().optional(),
    create: z.number().optional(),
  })
  .optional();

// Strict about keys (a misspelt `delayMS` would quietly give a test no delay,
// and the test would prove nothing); values stay free, a fake may be asked for odd ones.
const optionsSchema = z.strictObject({
  account: z.strictObject({ email: z.string(), password: z.string() }).optional(),
  tokenLifetimeMs: z.number().optional(),
  clock: clockSchema.optional(),
  delayMs: routeNumbers,
  afterCreate: z
    .strictObject({ delayMs: z.number().optional(), drop: z.boolean().optional() })
    .optional(),
  products: z.array(z.number()).optional(),
});

/**
 * A stand-in for `https://api.rapatin.id` on a real HTTP port (127.0.0.1,
 * random port), speaking the documented shapes: `POST /auth/login`,
 * `GET /schedules`, `POST /schedules`, the `{ response, data }` envelope,
 * 401 for a missing or expired token and 422 with field messages. Tests
 * inject slowness, 5xx answers and token expiry, and read the counters.
 */
export class FakeRapatinServer {
  readonly counts: FakeRapatinCounts = {
    attempts: { login: 0, list: 0, create: 0 },
    logins: 0,
    failedLogins: 0,
    lists: 0,
    creates: 0,
    unauthorized: 0,
    rejected: 0,
  };
  /** Every schedule created (or seeded), in creation order. */
  readonly schedules: FakeSchedule[] = [];
  /** The account; change `password` to make logins fail. */
  readonly account: { email: string; password: string };
  tokenLifetimeMs: number | undefined;
  readonly delayMs: Partial<Record<FakeRapatinRoute, number>>;
  /** See `FakeRapatinServerOptions.afterCreate`; change it between requests. */
  afterCreate: FakeAfterCreate;
  readonly products: number[];

  readonly #server: Server;
  readonly #clock: Clock;
  readonly #tokens = new Map<string, number>();
  readonly #failures: { route: FakeRapatinRoute; status: number }[] = [];
  /** Resolves when held creates may go on; `undefined` while creates are not held. */
  #createsHeld: Promise<void> | undefined;
  #url = "";
  #nextId = 100;

  private constructor(options: FakeRapatinServerOptions) {
    this.account = { ...(options.account ?? { email: "owner@example.com", password: "secret" }) };
    this.tokenLifetimeMs = options.tokenLifetimeMs;
    this.delayMs = { ...options.delayMs };
    this.afterCreate = { ...options.afterCreate };
    this.products = [...(options.products ?? [1, 2, 3, 4])];
    this.#clock = options.clock ?? systemClock;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch(() => {
        if (!res.headersSent) json(res, 500, "Fake server failure", null);
        else res.destroy();
      });
    });
  }

  /** Starts a server on 127.0.0.1 and a free port. */
  static async start(options: FakeRapatinServerOptions = {}): Promise<FakeRapatinServer> {
    parseInput(optionsSchema, options, "FakeRapatinServer options");
    const fake = new FakeRapatinServer(options);
    await new Promise<void>((resolve) => fake.#server.listen(0, "127.0.0.1", resolve));
    const { port } = fake.#server.address() as AddressInfo;
    fake.#url = `http://127.0.0.1:${port}`;
    return fake;
  }

  /** `http://127.0.0.1:<port>`: pass it as the client's `baseUrl`. */
  get url(): string {
    return this.#url;
  }

  /** Makes every token issued so far answer 401 from now on. */
  expireAllTokens(): void {
    this.#tokens.clear();
  }

  /**
   * Holds every create request that arrives from now on, after it is counted in
   * `counts.attempts.create` and before the schedule is made, until the returned
   * function is called: a test moves its clock while Rapatin is "still working"
   * (a lease lapsing, say) without sleeping.
   */
  holdCreates(): () => void {
    let resume!: () => void;
    this.#createsHeld = new Promise<void>((resolve) => {
      resume = resolve;
    });
    return () => {
      this.#createsHeld = undefined;
      resume();
    };
  }

  /** The next `times` requests to `route` answer `status` (e.g. 503) without doing anything. */
  failNext(route: FakeRapatinRoute, status: number, times = 1): void {
    for (let i = 0; i < times; i += 1) this.#failures.push({ route, status });
  }

  /** Adds a schedule as if created earlier (by another process, or before a crash). */
  seedSchedule(
    input: Omit<FakeSchedule, "id" | "meeting_id" | "join_url"> & Partial<FakeSchedule>,
  ): FakeSchedule {
    const schedule = this.#newSchedule(input);
    this.schedules.push(schedule);
    return schedule;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.#server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  #newSchedule(input: Partial<FakeSchedule>): FakeSchedule {
    const id = input.id ?? this.#nextId++;
    const meetingId = input.meeting_id ?? 83_000_000_000 + id;
    return {
      id,
      product_id: input.product_id ?? 1,
      topic: input.topic ?? "Meeting",
      passcode: input.passcode ?? null,
      recurring: input.recurring ?? false,
      start_date: input.start_date ?? "2026-01-01",
      start_time: input.start_time ?? "09:00:00",
      meeting_id: meetingId,
      join_url: input.join_url ?? `https://us06web.zoom.us/j/${meetingId}?pwd=fake${id}`,
      registration_url: input.registration_url ?? null,
    };
  }

  #route(req: IncomingMessage): FakeRapatinRoute | undefined {
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    if (req.method === "POST" && path === "/auth/login") return "login";
    if (req.method === "GET" && path === "/schedules") return "list";
    if (req.method === "POST" && path === "/schedules") return "create";
    return undefined;
  }

  #authorized(req: IncomingMessage): boolean {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
    const issuedAt = match?.[1] ? this.#tokens.get(match[1]) : undefined;
    if (issuedAt === undefined) return false;
    if (
      this.tokenLifetimeMs !== undefined &&
      this.#clock.now() >= issuedAt + this.tokenLifetimeMs
    ) {
      return false;
    }
    return true;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const route = this.#route(req);
    if (!route) {
      json(res, 404, "Route not found", null);
      return;
    }
    this.counts.attempts[route] += 1;
    const body = req.method === "POST" ? await readJson(req) : undefined;
    const delay = this.delayMs[route];
    // As it stood when the request arrived: a test may change it for the next one meanwhile.
    const afterCreate = { ...this.afterCreate };
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    if (route === "create") await this.#createsHeld;
    const failure = this.#failures.findIndex((f) => f.route === route);
    const injected = failure >= 0 ? this.#failures.splice(failure, 1)[0] : undefined;
    if (injected) {
      json(res, injected.status, "Injected failure", null);
      return;
    }
    if (route === "login") return this.#login(body, res);
    if (!this.#authorized(req)) {
      this.counts.unauthorized += 1;
      json(res, 401, "Unauthenticated.", null);
      return;
    }
    if (route === "list") return this.#list(req, res);
    return this.#create(body, res, afterCreate);
  }

  async #answerCreate(
    res: ServerResponse,
    { delayMs, drop }: FakeAfterCreate,
    answer: () => void,
  ): Promise<void> {
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (drop) {
      res.destroy();
      return;
    }
    answer();
  }

  #login(body: unknown, res: ServerResponse): void {
    const b = (body ?? {}) as Record<string, unknown>;
    const errors: Record<string, string[]> = {};
    for (const field of ["email", "password", "device"]) {
      if (typeof b[field] !== "string" || b[field] === "")
        errors[field] = [`The ${field} field is required.`];
    }
    if (Object.keys(errors).length > 0) {
      this.counts.failedLogins += 1;
      json(res, 422, "The given data was invalid.", null, { errors });
      return;
    }
    if (b.email !== this.account.email || b.password !== this.account.password) {
      this.counts.failedLogins += 1;
      json(res, 422, "These credentials do not match our records.", null);
      return;
    }
    this.counts.logins += 1;
    const token = `${this.counts.logins}|${randomBytes(20).toString("hex")}`;
    this.#tokens.set(token, this.#clock.now());
    json(res, 200, "Token generated successfully", {
      token,
      user: { id: 5, name: "Account Name", email: this.account.email },
    });
  }

  #list(req: IncomingMessage, res: ServerResponse): void {
    this.counts.lists += 1;
    const params = new URL(req.url ?? "/", "http://fake").searchParams;
    const from = params.get("from");
    const to = params.get("to");
    const recurring = params.get("recurring");
    const items = this.schedules
      .filter((s) => (from ? s.start_date >= from : true))
      .filter((s) => (to ? s.start_date <= to : true))
      .filter((s) => (recurring === null ? true : s.recurring === (recurring === "1")))
      // Listing sends meeting_id as a string, as Rapatin's reference shows.
      .map(({ product_id: _product, ...s }) => ({
        ...s,
        meeting_id: String(s.meeting_id),
        occurence_id: null,
      }));
    json(res, 200, "Schedules retrieved successfully", { items });
  }

  async #create(body: unknown, res: ServerResponse, afterCreate: FakeAfterCreate): Promise<void> {
    const parsed = createScheduleInputSchema.safeParse(body);
    const errors: Record<string, string[]> = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.join(".") || "body";
        errors[field] = [...(errors[field] ?? []), `The ${field} field ${issue.message}.`];
      }
    } else if (!this.products.includes(parsed.data.product_id)) {
      errors.product_id = ["The selected product id is invalid."];
    }
    if (!parsed.success || Object.keys(errors).length > 0) {
      this.counts.rejected += 1;
      json(res, 422, "The given data was invalid.", null, { errors });
      return;
    }
    this.counts.creates += 1;
    const input = parsed.data;
    const schedule = this.#newSchedule({
      product_id: input.product_id,
      topic: input.topic,
      passcode: input.passcode ?? null,
      recurring: input.recurring,
      start_date: input.start_date,
      start_time: `${input.start_time}:00`,
    });
    this.schedules.push(schedule);
    // Creating answers meeting_id as a number, as Rapatin's reference shows.
    const { product_id: _product, ...data } = schedule;
    await this.#answerCreate(res, afterCreate, () =>
      json(res, 201, "Schedule created successfully", {
        ...data,
        occurence_id: null,
        editable: true,
      }),
    );
  }
}
