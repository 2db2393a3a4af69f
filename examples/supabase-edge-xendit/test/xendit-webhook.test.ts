import assert from "node:assert/strict";
import { MemoryIdempotencyStore, MemoryTokenStore } from "@lunas/core";
import { createRapatinClient } from "@lunas/rapatin";
import { FakeRapatinServer } from "@lunas/rapatin/testing";
import { buildPaymentSessionCompleted, FakeXenditServer } from "@lunas/xendit/testing";
import { meetingOrderOf } from "../supabase/functions/xendit-webhook/meeting-order.ts";
import { createXenditWebhookHandler } from "../supabase/functions/xendit-webhook/webhook-handler.ts";

const account = { email: "ops@example.com", password: "s3cret-Pa55" };

interface World {
  rapatin: FakeRapatinServer;
  xendit: FakeXenditServer;
  url: string;
  booked: string[];
  close(): Promise<void>;
}

/** The function served by Deno.serve on a free port, Rapatin and Xendit faked over real HTTP. */
async function world(): Promise<World> {
  const rapatin = await FakeRapatinServer.start({ account });
  const xendit = await FakeXenditServer.start();
  const booked: string[] = [];
  const handler = createXenditWebhookHandler({
    verificationTokens: [xendit.callbackToken],
    idempotencyStore: new MemoryIdempotencyStore(),
    rapatin: createRapatinClient({
      ...account,
      baseUrl: rapatin.url,
      tokenStore: new MemoryTokenStore(),
    }),
    onBooked: (meeting) => {
      booked.push(meeting.meetingId);
    },
    log: () => {},
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  return {
    rapatin,
    xendit,
    url: `http://127.0.0.1:${server.addr.port}/`,
    booked,
    async close() {
      await server.shutdown();
      await xendit.close();
      await rapatin.close();
    },
  };
}

function paidMeeting(n: number, extra: Record<string, unknown> = {}) {
  const orderId = `INV-${n}`;
  return buildPaymentSessionCompleted({
    sessionId: `ps-${n}`,
    orderId,
    data: {
      metadata: {
        order_id: orderId,
        participants: 250,
        topic: "Kelas Desain",
        start_date: "2026-03-01",
        start_time: "19:30",
        ...extra,
      },
    },
  });
}

const options = { sanitizeResources: false, sanitizeOps: false };

Deno.test("100 paid webhooks over a warm token cache log in once", options, async () => {
  const w = await world();
  try {
    for (let n = 0; n < 100; n += 1) {
      const [delivery] = await w.xendit.deliverWebhook(w.url, paidMeeting(n));
      assert.equal(delivery?.status, 200);
    }
    assert.equal(w.rapatin.counts.logins, 1);
    assert.equal(w.rapatin.counts.creates, 100);
    assert.equal(new Set(w.booked).size, 100);
  } finally {
    await w.close();
  }
});

Deno.test("50 concurrent paid webhooks at a cold start log in once", options, async () => {
  const w = await world();
  try {
    const deliveries = await Promise.all(
      Array.from({ length: 50 }, (_, n) => w.xendit.deliverWebhook(w.url, paidMeeting(n))),
    );
    assert.deepEqual(new Set(deliveries.flat().map((d) => d.status)), new Set([200]));
    assert.equal(w.rapatin.counts.logins, 1);
    assert.equal(w.rapatin.counts.creates, 50);
  } finally {
    await w.close();
  }
});

Deno.test(
  "a token Rapatin expired (401) costs one re-login and the booking succeeds",
  options,
  async () => {
    const w = await world();
    try {
      await w.xendit.deliverWebhook(w.url, paidMeeting(1));
      w.rapatin.expireAllTokens();
      const [delivery] = await w.xendit.deliverWebhook(w.url, paidMeeting(2));
      assert.equal(delivery?.status, 200);
      assert.equal(w.rapatin.counts.logins, 2);
      assert.equal(w.rapatin.counts.unauthorized, 1);
      assert.equal(w.rapatin.counts.creates, 2);
    } finally {
      await w.close();
    }
  },
);

Deno.test(
  "the same paid event delivered twice and 10x concurrently books one meeting",
  options,
  async () => {
    const w = await world();
    try {
      const event = paidMeeting(7);
      const sequential = await w.xendit.deliverWebhook(w.url, event, { times: 2 });
      const concurrent = await w.xendit.deliverWebhook(w.url, paidMeeting(8), {
        times: 10,
        concurrent: true,
      });
      assert.deepEqual(
        sequential.map((d) => d.status),
        [200, 200],
      );
      // A concurrent duplicate is answered 409 (Xendit retries it); none books again.
      assert.ok(concurrent.every((d) => d.status === 200 || d.status === 409));
      const retried = await w.xendit.deliverWebhook(w.url, paidMeeting(8));
      assert.equal(retried[0]?.status, 200);
      assert.equal(w.rapatin.counts.creates, 2);
      assert.deepEqual(w.rapatin.schedules.map((s) => s.topic).sort(), [
        "Kelas Desain [ref:INV-7]",
        "Kelas Desain [ref:INV-8]",
      ]);
    } finally {
      await w.close();
    }
  },
);

Deno.test("a wrong callback token is refused and books nothing", options, async () => {
  const w = await world();
  try {
    const [delivery] = await w.xendit.deliverWebhook(w.url, paidMeeting(1), { token: "forged" });
    assert.equal(delivery?.status, 401);
    assert.equal(w.rapatin.counts.attempts.login + w.rapatin.counts.attempts.create, 0);
  } finally {
    await w.close();
  }
});

Deno.test(
  "a paid session that is not a meeting order is acknowledged without booking",
  options,
  async () => {
    const w = await world();
    try {
      const [delivery] = await w.xendit.deliverWebhook(
        w.url,
        buildPaymentSessionCompleted({ sessionId: "ps-course", orderId: "COURSE-1" }),
      );
      assert.equal(delivery?.status, 200);
      assert.equal(w.rapatin.counts.attempts.create, 0);
    } finally {
      await w.close();
    }
  },
);

Deno.test("meeting metadata that cannot be read is a typed INVALID_ARGUMENT", () => {
  const event = paidMeeting(3, { participants: "many", start_date: undefined });
  assert.throws(() => meetingOrderOf(event), { code: "INVALID_ARGUMENT" });
});

Deno.test(
  "a redelivery after a create that timed out adopts that meeting instead of booking another",
  options,
  async () => {
    const rapatin = await FakeRapatinServer.start({ account, delayMs: { create: 150 } });
    const xendit = await FakeXenditServer.start();
    const handler = createXenditWebhookHandler({
      verificationTokens: [xendit.callbackToken],
      idempotencyStore: new MemoryIdempotencyStore(),
      rapatin: createRapatinClient({ ...account, baseUrl: rapatin.url, timeoutMs: 50 }),
      leaseMs: 400,
      waitTimeoutMs: 100,
      log: () => {},
    });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
    const url = `http://127.0.0.1:${server.addr.port}/`;
    try {
      const event = paidMeeting(5);
      const [timedOut] = await xendit.deliverWebhook(url, event);
      assert.equal(timedOut?.status, 500);
      // Redelivered at once: Rapatin may still be making the meeting, so the claim
      // stands; this delivery waits for its lease (then adopts) or gives up, never creates.
      const [early] = await xendit.deliverWebhook(url, event);
      assert.ok(early?.status === 200 || early?.status === 500, String(early?.status));
      await new Promise((resolve) => setTimeout(resolve, 400));
      const [later] = await xendit.deliverWebhook(url, event);
      assert.equal(later?.status, 200);
      assert.equal(rapatin.counts.creates, 1);
      assert.equal(rapatin.counts.attempts.create, 1);
    } finally {
      await server.shutdown();
      await xendit.close();
      await rapatin.close();
    }
  },
);
