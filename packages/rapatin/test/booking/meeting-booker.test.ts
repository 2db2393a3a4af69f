import {
  fingerprintPayload,
  type IdempotencyStore,
  MemoryIdempotencyStore,
  MemoryTokenStore,
  type TokenStore,
} from "@lunas/core";
import { PostgresIdempotencyStore } from "@lunas/core/postgres";
import { SupabaseIdempotencyStore } from "@lunas/core/supabase";
import {
  createPgliteTestDatabase,
  createPostgresTestSchema,
  createPostgrestStandIn,
  createSupabaseLikeTestSchema,
  ManualClock,
  type TestDatabase,
} from "@lunas/core/testing";
import {
  createMeetingBooker,
  createRapatinClient,
  type MeetingBookerOptions,
  type MeetingBooking,
  type MeetingRequest,
  meetingBookingKey,
  RapatinNetworkError,
  RapatinTimeoutError,
  RapatinValidationError,
} from "@lunas/rapatin";
import { migrateRapatin } from "@lunas/rapatin/postgres";
import { FakeRapatinServer } from "@lunas/rapatin/testing";
import { createClient } from "@supabase/supabase-js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

const account = { email: "owner@example.com", password: "s3cret-Pa55" };
const request: MeetingRequest = {
  participants: 250,
  topic: "Kelas Desain",
  startDate: "2026-03-01",
  startTime: "19:30",
  passcode: "246810",
};

let server: FakeRapatinServer;
beforeEach(async () => {
  server = await FakeRapatinServer.start({ account });
});
afterEach(async () => {
  await server.close();
});

const rapatin = (options: { timeoutMs?: number; tokenStore?: TokenStore } = {}) =>
  createRapatinClient({ ...account, baseUrl: server.url, retry: { delayMs: 1 }, ...options });

/**
 * A client whose creates time out after `timeoutMs` while its login and search
 * keep the default timeout: with one short timeout for everything, a busy CI
 * machine could time out the search instead and the test would prove nothing.
 */
function createsTimingOutAfter(timeoutMs: number): MeetingBookerOptions["client"] {
  const tokenStore = new MemoryTokenStore();
  const patient = rapatin({ tokenStore });
  const hasty = rapatin({ tokenStore, timeoutMs });
  return {
    listSchedules: (query) => patient.listSchedules(query),
    async createSchedule(input) {
      await patient.login();
      return hasty.createSchedule(input);
    },
  };
}

const booker = (overrides: Partial<MeetingBookerOptions> = {}) =>
  createMeetingBooker({ client: rapatin(), pollIntervalMs: 5, ...overrides });

/** A store that "crashes" (throws) when asked to record the booking or give the claim back. */
function crashingBeforeWrite(store: IdempotencyStore): IdempotencyStore {
  return {
    get: (key) => store.get(key),
    claim: (claim) => store.claim(claim),
    complete: async () => {
      throw new Error("process crashed before the booking was written");
    },
    release: async () => {
      throw new Error("process crashed");
    },
    purgeExpired: (now) => store.purgeExpired(now),
  };
}

/** Another process's booker holding `orderId`, claimed straight in the shared store. */
async function claimedElsewhere(
  store: IdempotencyStore,
  orderId: string,
  now: number,
  leaseUntil: number,
): Promise<void> {
  await store.claim({
    key: meetingBookingKey(orderId),
    fingerprint: await fingerprintPayload(orderId),
    holder: "other",
    now,
    // The store lets others in strictly after leaseExpiresAt.
    leaseExpiresAt: leaseUntil - 1,
    expiresAt: leaseUntil + 86_400_000,
  });
}

/** That other process recording its booking. */
function completedElsewhere(
  store: IdempotencyStore,
  booking: MeetingBooking,
  now: number,
): Promise<boolean> {
  return store.complete(
    meetingBookingKey(booking.orderId),
    "other",
    booking,
    now + 86_400_000,
    now,
  );
}

let pg: TestDatabase;
let lite: TestDatabase;
let supa: TestDatabase;
beforeAll(async () => {
  pg = await createPostgresTestSchema("rapatin_booker");
  await migrateRapatin(pg.executor, { schema: pg.schema });
  lite = await createPgliteTestDatabase();
  await migrateRapatin(lite.executor, { schema: lite.schema });
  supa = await createSupabaseLikeTestSchema("rapatin_booker_supa");
  await migrateRapatin(supa.executor, { schema: supa.schema });
});
afterAll(async () => {
  await pg.drop();
  await lite.drop();
  await supa.drop();
});

const nextOrder = () => `INV-${crypto.randomUUID().slice(0, 8)}`;

/** supabase-js as an Edge Function uses it, answered by the PostgREST stand-in on real PostgreSQL. */
const supabaseStore = () =>
  new SupabaseIdempotencyStore(
    createClient("https://lunasproj.supabase.co", "service-role-key", {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      global: { fetch: createPostgrestStandIn({ ...supa, role: "service_role" }) },
    }),
  );

const stores: [string, () => IdempotencyStore][] = [
  ["memory", () => new MemoryIdempotencyStore()],
  ["PostgreSQL", () => new PostgresIdempotencyStore(pg.executor, { schema: pg.schema })],
  ["PGlite", () => new PostgresIdempotencyStore(lite.executor, { schema: lite.schema })],
  ["Supabase", supabaseStore],
];

describe.each(stores)("booking once per order (%s store)", (_name, makeStore) => {
  it("books the same order twice in a row → one meeting", async () => {
    const orderId = nextOrder();
    const b = booker({ store: makeStore() });
    const first = await b.scheduleMeetingForOrder(orderId, request);
    const second = await b.scheduleMeetingForOrder(orderId, request);
    expect(first.outcome).toBe("created");
    expect(second).toEqual({ ...first, outcome: "existing" });
    expect(server.counts.creates).toBe(1);
    expect(first.topic).toBe(`Kelas Desain [ref:${orderId}]`);
    expect(first.productId).toBe(2);
    expect(server.schedules[0]?.product_id).toBe(2);
  });

  it("books the same order 10x concurrently in one process → one meeting", async () => {
    const orderId = nextOrder();
    const b = booker({ store: makeStore() });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => b.scheduleMeetingForOrder(orderId, request)),
    );
    expect(new Set(results.map((r) => r.meetingId)).size).toBe(1);
    expect(server.counts.creates).toBe(1);
  });

  it("books the same order 10x concurrently across two processes sharing the store → one meeting", async () => {
    const orderId = nextOrder();
    const store = makeStore();
    const processes = [booker({ store }), booker({ store })];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (processes[i % 2] ?? processes[0])?.scheduleMeetingForOrder(orderId, request),
      ),
    );
    expect(new Set(results.map((r) => r?.meetingId)).size).toBe(1);
    expect(server.counts.creates).toBe(1);
    expect(await processes[0]?.get(orderId)).toMatchObject({ status: "booked" });
  });

  it("adopts the meeting after a crash between Rapatin's 201 and the write → still one meeting", async () => {
    const orderId = nextOrder();
    const store = makeStore();
    const clock = new ManualClock(Date.now());
    const crashed = booker({ store: crashingBeforeWrite(store), clock, leaseMs: 60_000 });
    await expect(crashed.scheduleMeetingForOrder(orderId, request)).rejects.toThrow(/crashed/);
    expect(server.counts.creates).toBe(1);
    expect(await crashed.get(orderId)).toMatchObject({ status: "pending" });

    clock.advance(60_000);
    const restarted = booker({ store, clock });
    const adopted = await restarted.scheduleMeetingForOrder(orderId, request);
    expect(adopted.outcome).toBe("adopted");
    expect(adopted.meetingId).toBe(String(server.schedules[0]?.meeting_id));
    expect(server.counts.creates).toBe(1);
    expect(await restarted.get(orderId)).toMatchObject({
      status: "booked",
      booking: { meetingId: adopted.meetingId },
    });
  });
});

describe("booking failures", () => {
  it("adopts the meeting a timed-out create made after all", async () => {
    const orderId = nextOrder();
    server.delayMs.create = 200;
    const store = new MemoryIdempotencyStore();
    const clock = new ManualClock(Date.now());
    const slow = createMeetingBooker({
      client: createsTimingOutAfter(50),
      store,
      clock,
      leaseMs: 60_000,
    });
    await expect(slow.scheduleMeetingForOrder(orderId, request)).rejects.toBeInstanceOf(
      RapatinTimeoutError,
    );
    // The create's outcome is unknown: the claim stays until its lease lapses.
    expect(await slow.get(orderId)).toMatchObject({ status: "pending" });
    await vi.waitFor(() => expect(server.schedules).toHaveLength(1), {
      timeout: 2_000,
      interval: 20,
    });
    server.delayMs.create = 0;
    clock.advance(60_000);
    const again = await createMeetingBooker({
      client: rapatin(),
      store,
      clock,
    }).scheduleMeetingForOrder(orderId, request);
    expect(again.outcome).toBe("adopted");
    expect(server.counts.creates).toBe(1);
  });

  it("never creates on a search that outlived its lease: another holder took the order meanwhile", async () => {
    const orderId = nextOrder();
    const store = new MemoryIdempotencyStore();
    const clock = new ManualClock(Date.now());
    const real = rapatin();
    // Takes the order over once A's lease lapsed, creates the meeting, crashes before writing it.
    const other = booker({ store: crashingBeforeWrite(store), clock, leaseMs: 60_000 });
    let searches = 0;
    const slowSearch = createMeetingBooker({
      store,
      clock,
      leaseMs: 60_000,
      client: {
        createSchedule: (input) => real.createSchedule(input),
        // The first search answers "nothing yet" only after all that happened
        // and the other holder's lease lapsed too.
        async listSchedules(query) {
          const answer = await real.listSchedules(query);
          searches += 1;
          if (searches === 1) {
            clock.advance(60_000);
            await other.scheduleMeetingForOrder(orderId, request).catch(() => {});
            clock.advance(60_000);
          }
          return answer;
        },
      },
    });
    const result = await slowSearch.scheduleMeetingForOrder(orderId, request);
    expect(server.counts.creates).toBe(1);
    expect(result).toMatchObject({
      outcome: "adopted",
      meetingId: String(server.schedules[0]?.meeting_id),
    });
  });

  it("keeps the claim after a create that timed out, so a waiting duplicate adopts instead of creating again", async () => {
    const orderId = nextOrder();
    server.delayMs.create = 200;
    const store = new MemoryIdempotencyStore();
    const slow = createMeetingBooker({
      client: createsTimingOutAfter(50),
      store,
      leaseMs: 400,
      pollIntervalMs: 10,
    });
    const waiting = createMeetingBooker({
      client: rapatin(),
      store,
      leaseMs: 400,
      pollIntervalMs: 10,
    });
    const first = slow.scheduleMeetingForOrder(orderId, request).catch((e: unknown) => e);
    await vi.waitFor(() => expect(server.counts.attempts.create).toBe(1), { interval: 2 });
    const second = waiting.scheduleMeetingForOrder(orderId, request);
    expect(await first).toBeInstanceOf(RapatinTimeoutError);
    const result = await second;
    expect(server.counts.creates).toBe(1);
    expect(result.outcome).toBe("adopted");
  });

  it("keeps the claim after a create that timed out from the same booker's next call too", async () => {
    const orderId = nextOrder();
    server.delayMs.create = 200;
    const store = new MemoryIdempotencyStore();
    const clock = new ManualClock(Date.now());
    const b = createMeetingBooker({
      client: createsTimingOutAfter(50),
      store,
      clock,
      leaseMs: 60_000,
      waitTimeoutMs: 0,
    });
    await expect(b.scheduleMeetingForOrder(orderId, request)).rejects.toBeInstanceOf(
      RapatinTimeoutError,
    );
    await expect(b.scheduleMeetingForOrder(orderId, request)).rejects.toMatchObject({
      code: "RAPATIN_BOOKING_IN_PROGRESS",
    });
    expect(server.counts.attempts.create).toBe(1);
    await vi.waitFor(() => expect(server.schedules).toHaveLength(1), { interval: 5 });
    server.delayMs.create = 0;
    clock.advance(60_000);
    expect(await b.scheduleMeetingForOrder(orderId, request)).toMatchObject({ outcome: "adopted" });
    expect(server.counts.creates).toBe(1);
  });

  it("never creates when the search for an earlier meeting fails", async () => {
    const orderId = nextOrder();
    const store = new MemoryIdempotencyStore();
    server.failNext("list", 503, 3);
    await expect(booker({ store }).scheduleMeetingForOrder(orderId, request)).rejects.toMatchObject(
      {
        code: "RAPATIN_SERVER_ERROR",
      },
    );
    expect(server.counts.attempts.create).toBe(0);
    expect(await booker({ store }).get(orderId)).toBeNull();
  });

  it("releases the claim when Rapatin rejects the meeting, so a corrected retry books it", async () => {
    const orderId = nextOrder();
    const store = new MemoryIdempotencyStore();
    const wrongTable = booker({ store, productTable: [{ maxParticipants: 1000, productId: 9 }] });
    const error = await wrongTable
      .scheduleMeetingForOrder(orderId, request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RapatinValidationError);
    expect(await wrongTable.get(orderId)).toBeNull();
    const fixed = await booker({ store }).scheduleMeetingForOrder(orderId, request);
    expect(fixed.outcome).toBe("created");
    expect(server.counts.creates).toBe(1);
  });

  it("waits for another process's attempt and returns its meeting", async () => {
    const orderId = nextOrder();
    const store = new MemoryIdempotencyStore();
    const clock = new ManualClock();
    await claimedElsewhere(store, orderId, clock.now(), clock.now() + 60_000);
    const { outcome: _outcome, ...elsewhere } = await booker().scheduleMeetingForOrder(
      nextOrder(),
      request,
    );
    const other = { ...elsewhere, orderId };
    const waiting = booker({
      store,
      clock,
      // Instead of really sleeping: the other process finishes while we wait.
      sleep: async (ms) => {
        clock.advance(ms);
        await completedElsewhere(store, { ...other, bookedAt: clock.now() }, clock.now());
      },
    });
    const result = await waiting.scheduleMeetingForOrder(orderId, request);
    expect(result).toMatchObject({ outcome: "existing", meetingId: other.meetingId });
    expect(server.counts.creates).toBe(1);
  });

  it("gives up with RAPATIN_BOOKING_IN_PROGRESS when another attempt never finishes in time", async () => {
    const orderId = nextOrder();
    const store = new MemoryIdempotencyStore();
    const clock = new ManualClock();
    await claimedElsewhere(store, orderId, clock.now(), clock.now() + 600_000);
    const waiting = booker({
      store,
      clock,
      waitTimeoutMs: 2_000,
      pollIntervalMs: 500,
      sleep: async (ms) => clock.advance(ms),
    });
    await expect(waiting.scheduleMeetingForOrder(orderId, request)).rejects.toMatchObject({
      code: "RAPATIN_BOOKING_IN_PROGRESS",
    });
    expect(server.counts.attempts).toEqual({ login: 0, list: 0, create: 0 });
  });

  it("gives up at waitTimeoutMs, not a poll interval later", async () => {
    const orderId = nextOrder();
    const store = new MemoryIdempotencyStore();
    const clock = new ManualClock();
    const start = clock.now();
    await claimedElsewhere(store, orderId, start, start + 600_000);
    const waiting = booker({
      store,
      clock,
      waitTimeoutMs: 2_000,
      pollIntervalMs: 5_000,
      sleep: async (ms) => clock.advance(ms),
    });
    await expect(waiting.scheduleMeetingForOrder(orderId, request)).rejects.toMatchObject({
      code: "RAPATIN_BOOKING_IN_PROGRESS",
    });
    expect(clock.now() - start).toBe(2_000);
  });

  it("rejects bad input before touching the store or Rapatin", async () => {
    const store = new MemoryIdempotencyStore();
    const b = booker({ store });
    const cases: [string, MeetingRequest, string][] = [
      ["bad id; drop", request, "INVALID_ARGUMENT"],
      ["ORD-1", { ...request, participants: 0 }, "INVALID_ARGUMENT"],
      ["ORD-1", { ...request, participants: 5000 }, "RAPATIN_NO_PRODUCT"],
      ["ORD-1", { ...request, startDate: "2026-02-30" }, "INVALID_ARGUMENT"],
      ["ORD-1", { ...request, topic: "x".repeat(190) }, "INVALID_ARGUMENT"],
      ["ORD-1", { ...request, options: { is_meeting_qa: true } as never }, "INVALID_ARGUMENT"],
    ];
    for (const [orderId, input, code] of cases) {
      await expect(b.scheduleMeetingForOrder(orderId, input)).rejects.toMatchObject({ code });
    }
    expect(await b.get("ORD-1")).toBeNull();
    expect(server.counts.attempts).toEqual({ login: 0, list: 0, create: 0 });
    expect(() => createMeetingBooker({ client: {} as never })).toThrow(/Rapatin client/);
  });

  it("books different orders as different meetings, each carrying its reference", async () => {
    const b = booker();
    const [a, c] = await Promise.all([
      b.scheduleMeetingForOrder("ORD-1", request),
      b.scheduleMeetingForOrder("ORD-10", { ...request, participants: 80 }),
    ]);
    expect(a.meetingId).not.toBe(c.meetingId);
    expect(server.schedules.map((s) => [s.topic, s.product_id]).sort()).toEqual([
      ["Kelas Desain [ref:ORD-10]", 1],
      ["Kelas Desain [ref:ORD-1]", 2],
    ]);
  });
});

describe("a create whose answer is lost (Rapatin made the meeting, the booker never heard)", () => {
  it("keeps the claim when the connection drops after the create; the next attempt adopts and records that meeting", async () => {
    const orderId = nextOrder();
    const store = new MemoryIdempotencyStore();
    const clock = new ManualClock(Date.now());
    server.afterCreate.drop = true;
    const first = booker({ store, clock, leaseMs: 60_000, waitTimeoutMs: 0 });
    await expect(first.scheduleMeetingForOrder(orderId, request)).rejects.toBeInstanceOf(
      RapatinNetworkError,
    );
    expect(server.counts.creates).toBe(1);
    expect(await first.get(orderId)).toMatchObject({ status: "pending" });
    // Until the lease lapses, nobody may search and create beside it.
    await expect(first.scheduleMeetingForOrder(orderId, request)).rejects.toMatchObject({
      code: "RAPATIN_BOOKING_IN_PROGRESS",
    });

    server.afterCreate.drop = false;
    clock.advance(60_000);
    const next = booker({ store, clock });
    const adopted = await next.scheduleMeetingForOrder(orderId, request);
    expect(adopted).toMatchObject({
      outcome: "adopted",
      meetingId: String(server.schedules[0]?.meeting_id),
    });
    expect(server.counts.creates).toBe(1);
    expect(await next.get(orderId)).toMatchObject({
      status: "booked",
      booking: { meetingId: adopted.meetingId },
    });
  });

  it("keeps the claim when the answer comes after the client gave up (delay after the create); the next attempt adopts", async () => {
    const orderId = nextOrder();
    const store = new MemoryIdempotencyStore();
    const clock = new ManualClock(Date.now());
    server.afterCreate.delayMs = 200;
    const slow = createMeetingBooker({
      client: createsTimingOutAfter(50),
      store,
      clock,
      leaseMs: 60_000,
    });
    await expect(slow.scheduleMeetingForOrder(orderId, request)).rejects.toBeInstanceOf(
      RapatinTimeoutError,
    );
    // The meeting was made before the answer was held back.
    expect(server.counts.creates).toBe(1);
    expect(await slow.get(orderId)).toMatchObject({ status: "pending" });
    server.afterCreate.delayMs = 0;
    clock.advance(60_000);
    const again = await booker({ store, clock }).scheduleMeetingForOrder(orderId, request);
    expect(again).toMatchObject({
      outcome: "adopted",
      meetingId: String(server.schedules[0]?.meeting_id),
    });
    expect(server.counts.creates).toBe(1);
  });

  it("a create Rapatin completes after the booker's lease has lapsed: the next attempt's search finds and records it, no second meeting", async () => {
    const orderId = nextOrder();
    const store = new MemoryIdempotencyStore();
    const clock = new ManualClock(Date.now());
    const resume = server.holdCreates();
    server.afterCreate.drop = true;
    const first = booker({ store, clock, leaseMs: 60_000 })
      .scheduleMeetingForOrder(orderId, request)
      .catch((e: unknown) => e);
    await vi.waitFor(() => expect(server.counts.attempts.create).toBe(1), { interval: 2 });
    // Rapatin is still working on it when the lease lapses; then it makes the
    // meeting and the answer is lost.
    clock.advance(60_000);
    resume();
    expect(await first).toBeInstanceOf(RapatinNetworkError);
    expect(server.counts.creates).toBe(1);

    server.afterCreate.drop = false;
    const next = booker({ store, clock });
    const adopted = await next.scheduleMeetingForOrder(orderId, request);
    expect(adopted).toMatchObject({
      outcome: "adopted",
      meetingId: String(server.schedules[0]?.meeting_id),
    });
    expect(server.counts.creates).toBe(1);
    expect(await next.get(orderId)).toMatchObject({
      status: "booked",
      booking: { meetingId: adopted.meetingId },
    });
  });

  it("the limit: Rapatin making the meeting only after the next attempt searched ends in two meetings, the later one recorded", async () => {
    const orderId = nextOrder();
    const store = new MemoryIdempotencyStore();
    const clock = new ManualClock(Date.now());
    const resume = server.holdCreates();
    server.afterCreate.drop = true;
    const first = booker({ store, clock, leaseMs: 60_000 })
      .scheduleMeetingForOrder(orderId, request)
      .catch((e: unknown) => e);
    await vi.waitFor(() => expect(server.counts.attempts.create).toBe(1), { interval: 2 });
    server.afterCreate.drop = false;
    clock.advance(60_000);
    // The next attempt takes the lapsed claim, searches (nothing yet) and creates.
    const next = booker({ store, clock });
    const second = next.scheduleMeetingForOrder(orderId, request);
    await vi.waitFor(() => expect(server.counts.attempts.create).toBe(2), { interval: 2 });
    resume();
    expect(await first).toBeInstanceOf(RapatinNetworkError);
    const booked = await second;
    expect(server.counts.creates).toBe(2);
    expect(booked.outcome).toBe("created");
    expect(await next.get(orderId)).toMatchObject({
      status: "booked",
      booking: { meetingId: booked.meetingId },
    });
  });
});
